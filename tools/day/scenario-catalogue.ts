// The day scenarios as data: what each one changes on the local stack, which fault it injects from outside, and the
// outcome an operator must see. The runner, the e2e specs and the runbooks all read these same expectations.

export const OLD_NEO4J_VERSION = '5.20.0';
export const NEW_NEO4J_VERSION = '5.26.19';
export const BASE_IMAGE = 'dco-autopilot/dco-runner:0.1.0';
export const RELEASE_IMAGE = 'dco-autopilot/dco-runner:0.2.0';
export const BROKEN_IMAGE = 'dco-autopilot/dco-runner:0.2.0-broken';

/** What the stack preparation changes before the day starts. */
export interface ScenarioChanges {
  /** A newer Neo4j AMI is published: blue-green from OLD to NEW. */
  neo4jAmi?: boolean;
  /** The Terraform variables gain a service (adds only: no approval by plan policy). */
  terraform?: 'add-service' | 'broken-provisioner';
  /** The release manifest moves dco-runner to this image. */
  release?: string;
  /**
   * A security advisory is published on the npm registry (the stack's Verdaccio) for a package dco-runner's lockfile
   * pins, with a fixed patch, and the release manifest maps that fix to this image (ADR 0029).
   */
  advisory?: string;
  /** After the baseline apply ("yesterday"), dco-runner is scaled to this count by hand (UpdateService): drift. */
  scaleByHand?: number;
}

/** Faults injected from outside the services while the day runs (never by flags in production code). */
export type ScenarioFault =
  | 'corrupt-green' // writes to green through Bolt while the migration validates it
  | 'kill-migrator' // SIGKILL of the db-migrator process in the middle of the restore, then a restart
  | 'restart-kafka' // the broker restarts during the run
  | 'reject-approval'; // an operator rejects the gated run

export interface ScenarioExpectation {
  status: 'Completed' | 'CompletedAfterRollback' | 'Failed';
  /** The run's step timeline as `step:outcome`, in order (REST API). */
  steps: string[];
  failureCode?: string;
  /** Compensations in the order they ran. */
  rolledBack: string[];
  /**
   * The Neo4j server that serves afterwards (through the connection pointer), its version and, where it matters, its fleet
   * and how green got blue's graph (`filledBy`: offline-import leaves neo4j-admin's report in its home).
   */
  serving: { server: 'blue' | 'green'; version: string; fleet?: 'ec2' | 'ecs'; filledBy?: 'offline-import' | 'online' };
  /** The dco-runner ECS service's revision afterwards compared with before the run. */
  ecsRevision: 'unchanged' | 'moved';
  /**
   * Staging's dco-runner afterwards (promotion staging-first): `moved` off the release it was created on, or
   * `unchanged` (a failed canary put it back).
   */
  stagingRevision?: 'unchanged' | 'moved';
  /** The dco-runner ECS service's desiredCount afterwards, where the scenario cares (drift restored). */
  ecsDesiredCount?: number;
  /** The Terraform state afterwards: the baseline resources, or the baseline plus the change's. */
  terraformState: 'baseline' | 'changed';
  /** The DCO ran on the old infrastructure after a rollback. */
  dcoAfterRollback: boolean;
  /** Changes deferred by the deadline policy. */
  deferredChanges: number;
  /** Alert causes (EventBridge detail-type) delivered to the SQS target, sorted. */
  alerts: string[];
  /** The kinds of the run's urgent changes, sorted, where the scenario cares. */
  urgentChanges?: string[];
}

export interface DayScenario {
  name: string;
  summary: string;
  changes: ScenarioChanges;
  fault?: ScenarioFault;
  /** Extra orchestrator policy for this scenario (approval risks, deadline). */
  policy?: { approvalRisks?: string; deadline?: 'far' | 'too-close' };
  /** Contributions seeded for the day (bigger where a fault must land in the middle of the restore). */
  graph: { accounts: number; contributions: number };
  /**
   * `staging-first` (ADR 0032): a staging environment of the scenario's own (its cluster, state and health endpoint,
   * namespaced by the scenario) gets the change set first and soaks it briefly; production follows only if it passed.
   */
  promotion?: 'staging-first';
  /** Green's fleet (the db-migrator's DCO_NEO4J_FLEET, ADR 0031): EC2 unless the scenario says ECS. Blue is always on EC2. */
  neo4jFleet?: 'ecs';
  /** How the db-migrator fills green (DCO_NEO4J_RESTORE_MODE, ADR 0018): online unless the scenario says offline-import. */
  restoreMode?: 'offline-import';
  /**
   * Records per batch of the online restore (DCO_NEO4J_BATCH_SIZE): small where a fault must land on green while it
   * fills (a corrupting write, a kill), so that the restore lasts seconds instead of a few batches.
   */
  restoreBatchSize?: number;
  /** Why the scenario takes the time it takes (reported by the e2e spec and the bench). */
  slowBecause?: string;
  expect: ScenarioExpectation;
}

const SMALL_GRAPH = { accounts: 40, contributions: 200 };

export const DAY_SCENARIOS: readonly DayScenario[] = [
  {
    name: 'quiet-day',
    summary: 'nothing changed: detect, then the DCO on blue',
    changes: {},
    graph: SMALL_GRAPH,
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'drift-scaled-by-hand',
    summary: 'dco-runner scaled from 2 to 5 by hand since the last apply: a drift change, re-applied back to 2',
    changes: { scaleByHand: 5 },
    graph: SMALL_GRAPH,
    slowBecause: 'one tofu apply that replaces the service_scale resource (its provisioner scales the service)',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'apply-infra:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      ecsDesiredCount: 2,
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'neo4j-upgrade',
    summary: `a newer Neo4j AMI: blue-green from ${OLD_NEO4J_VERSION} to ${NEW_NEO4J_VERSION} (green an ECS service), then the DCO on green`,
    changes: { neo4jAmi: true },
    // The other migrating scenarios keep green on EC2; this one runs it on the ECS fleet at no extra cost (the same JVMs).
    neo4jFleet: 'ecs',
    graph: SMALL_GRAPH,
    slowBecause: 'starts a second Neo4j JVM (green) and copies the graph',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'migrate-db:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'green', version: NEW_NEO4J_VERSION, fleet: 'ecs' },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'full-change',
    summary:
      'a new Neo4j AMI, a Terraform change and a security advisory on a package dco-runner runs (from the npm registry) on the same day: the fixed build rolls out',
    changes: { neo4jAmi: true, terraform: 'add-service', advisory: RELEASE_IMAGE },
    // Green on EC2 filled by the offline import (neo4j-admin into its stopped store); the other migrations copy online.
    restoreMode: 'offline-import',
    graph: SMALL_GRAPH,
    slowBecause:
      'tofu apply with provisioners, an ECS canary rollout, and a green Neo4j JVM started twice (the import)',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'apply-infra:succeeded', 'migrate-db:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'green', version: NEW_NEO4J_VERSION, filledBy: 'offline-import' },
      ecsRevision: 'moved',
      terraformState: 'changed',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
      urgentChanges: ['dependency'],
    },
  },
  {
    name: 'green-corrupt',
    summary:
      'data on green is corrupted after the restore: validation fails, the database then the infrastructure roll back, the DCO runs on blue',
    changes: { neo4jAmi: true, terraform: 'add-service' },
    fault: 'corrupt-green',
    graph: SMALL_GRAPH,
    restoreBatchSize: 2,
    slowBecause: 'tofu apply and rollback, a green Neo4j JVM that is thrown away',
    expect: {
      status: 'CompletedAfterRollback',
      steps: [
        'detect:succeeded',
        'apply-infra:succeeded',
        'migrate-db:failed',
        'rollback-db:succeeded',
        'rollback-infra:succeeded',
        'run-dco:succeeded',
      ],
      failureCode: 'DB.VALIDATION_MISMATCH',
      rolledBack: ['rollback-db', 'rollback-infra'],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: true,
      deferredChanges: 0,
      alerts: ['ROLLBACK', 'STEP_FAILED'],
    },
  },
  {
    name: 'staging-then-production',
    summary:
      "a dco-runner release with promotion staging-first: staging (the scenario's own cluster and state) gets it and soaks it, then production, the same day",
    changes: { release: RELEASE_IMAGE },
    promotion: 'staging-first',
    graph: SMALL_GRAPH,
    slowBecause: 'two tofu applies (staging is created by its first apply) and two canary rollouts',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'staging:succeeded', 'apply-infra:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'moved',
      stagingRevision: 'moved',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'staging-fails',
    summary:
      'a broken dco-runner release with promotion staging-first: its canary fails on staging, production is never touched, an alert, the DCO runs on production as it is',
    changes: { release: BROKEN_IMAGE },
    promotion: 'staging-first',
    graph: SMALL_GRAPH,
    expect: {
      status: 'CompletedAfterRollback',
      steps: ['detect:succeeded', 'staging:failed', 'run-dco:succeeded'],
      failureCode: 'INFRA.CANARY_FAILED',
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      stagingRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: true,
      deferredChanges: 0,
      alerts: ['STAGING_FAILED'],
    },
  },
  {
    name: 'ecs-health-fail',
    summary:
      'the new dco-runner revision answers unhealthy: the canary fails, the infrastructure rolls back, the DCO runs on the old revision',
    changes: { release: BROKEN_IMAGE },
    graph: SMALL_GRAPH,
    expect: {
      status: 'CompletedAfterRollback',
      steps: ['detect:succeeded', 'apply-infra:failed', 'rollback-infra:succeeded', 'run-dco:succeeded'],
      failureCode: 'INFRA.CANARY_FAILED',
      rolledBack: ['rollback-infra'],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: true,
      deferredChanges: 0,
      alerts: ['ROLLBACK', 'STEP_FAILED'],
    },
  },
  {
    name: 'tofu-broken',
    summary: 'tofu apply fails on a broken configuration: the last good configuration is applied again, the DCO runs',
    changes: { terraform: 'broken-provisioner' },
    graph: SMALL_GRAPH,
    slowBecause: 'two tofu applies (the failing one and the re-apply of the last good configuration)',
    expect: {
      status: 'CompletedAfterRollback',
      steps: ['detect:succeeded', 'apply-infra:failed', 'rollback-infra:succeeded', 'run-dco:succeeded'],
      failureCode: 'INFRA.APPLY_FAILED',
      rolledBack: ['rollback-infra'],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: true,
      deferredChanges: 0,
      alerts: ['ROLLBACK', 'STEP_FAILED'],
    },
  },
  {
    name: 'migrator-killed',
    summary:
      'the db-migrator is killed (SIGKILL) in the middle of the restore and restarted: the redelivered MigrateDb resumes and the upgrade completes',
    changes: { neo4jAmi: true },
    fault: 'kill-migrator',
    graph: { accounts: 500, contributions: 6_000 },
    restoreBatchSize: 50,
    slowBecause: 'a bigger graph restored in small batches so that the kill lands mid-restore, plus a service restart',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'migrate-db:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'green', version: NEW_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'kafka-restart',
    summary: 'the Kafka broker restarts during the migration: every service reconnects and the run completes once',
    changes: { neo4jAmi: true },
    fault: 'restart-kafka',
    graph: SMALL_GRAPH,
    slowBecause: 'the broker restart (and every consumer group rebalancing) takes tens of seconds',
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'migrate-db:succeeded', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'green', version: NEW_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 0,
      alerts: [],
    },
  },
  {
    name: 'approval-rejected',
    summary: 'the Neo4j upgrade needs approval and the operator rejects it: nothing is applied, the DCO runs on blue',
    changes: { neo4jAmi: true },
    fault: 'reject-approval',
    policy: { approvalRisks: 'medium,high' },
    graph: SMALL_GRAPH,
    expect: {
      status: 'CompletedAfterRollback',
      steps: ['detect:succeeded', 'approval:rejected', 'run-dco:succeeded'],
      failureCode: 'SAGA.REJECTED',
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: true,
      deferredChanges: 0,
      alerts: ['APPROVAL_REJECTED', 'APPROVAL_REQUIRED'],
    },
  },
  {
    name: 'deadline-too-close',
    summary:
      'the DCO deadline is minutes away and the migration needs 30: the upgrade is deferred, the DCO runs on blue in time',
    changes: { neo4jAmi: true },
    policy: { deadline: 'too-close' },
    graph: SMALL_GRAPH,
    expect: {
      status: 'Completed',
      steps: ['detect:succeeded', 'migrate-db:deferred', 'run-dco:succeeded'],
      rolledBack: [],
      serving: { server: 'blue', version: OLD_NEO4J_VERSION },
      ecsRevision: 'unchanged',
      terraformState: 'baseline',
      dcoAfterRollback: false,
      deferredChanges: 1,
      alerts: ['DEADLINE_AT_RISK'],
    },
  },
];

export const SCENARIO_NAMES = DAY_SCENARIOS.map((scenario) => scenario.name);

export function findScenario(name: string): DayScenario | undefined {
  return DAY_SCENARIOS.find((scenario) => scenario.name === name);
}
