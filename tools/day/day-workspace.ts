// One scenario's private corner of the shared local stack: ids, directories, names on Kafka and the emulator, and the
// environment each of the six services gets (read from apps/<app>/src/<app>.config.ts and the real stage factories).
import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { runIdOf } from '@dco/contracts';
import { NEO4J_ADMIN_USER, Neo4jCredentials } from '@dco/neo4j';
import { stackConfig } from '@dco/stack';
import { DayScenario } from './scenario-catalogue';
import { dailyUtcCron } from '../../apps/scheduler/src';

export const REPO_ROOT = resolve(__dirname, '../..');
export const APP_NAMES = [
  'orchestrator',
  'detector',
  'infra-deployer',
  'db-migrator',
  'dco-runner',
  'scheduler',
] as const;
export type AppName = (typeof APP_NAMES)[number];

export interface StackEndpoints {
  kafkaBrokers: string;
  awsEndpoint: string;
  otlpTracesUrl: string;
  jaegerQueryUrl: string;
  /** The stack's npm registry (Verdaccio, ADR 0029), for the scenarios whose change comes from it. */
  npmRegistryUrl?: string;
}

/** The local stack's addresses from stack/stack.config.json (the environment's usual variables win). */
export function localEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const config = stackConfig();
  const host = config.host;
  return {
    kafkaBrokers: env.KAFKA_BROKERS || `${host}:${config.kafka.port}`,
    awsEndpoint: env.DCO_AWS_ENDPOINT || `http://${host}:${config.moto.port}`,
    otlpTracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `http://${host}:${config.jaeger.otlpHttpPort}/v1/traces`,
    jaegerQueryUrl: env.JAEGER_QUERY_URL || `http://${host}:${config.jaeger.queryPort}`,
    npmRegistryUrl: env.DCO_NPM_REGISTRY_URL || `http://${host}:${config.verdaccio.port}`,
  };
}

/** A scenario's names and paths; nothing here touches the stack. */
export interface DayWorkspace {
  scenario: DayScenario;
  /** Short random id: part of every name below, so scenarios never see each other's resources. */
  id: string;
  /**
   * The one clock reading the workspace is made from: its day, the scheduler's cron and a close deadline all derive from
   * it, so a scenario whose services start after midnight still ticks `day` (the scheduler catches up its last time).
   */
  createdAt: Date;
  /** The day the scheduler ticks (today in UTC: the scheduler's catch-up publishes the tick that just passed). */
  day: string;
  runId: string;
  dir: string;
  configDir: string;
  infraStateDir: string;
  stateDir: string;
  logsDir: string;
  releaseManifest: string;
  /** The npm package whose advisory an `advisory` scenario publishes, and the advisory feed package (ADR 0029). */
  npm: { package: string; advisoryFeed: string };
  envTag: string;
  cluster: string;
  /** The ECS cluster of the scenario's Neo4j services (a scenario whose green runs on the ECS fleet). */
  neo4jCluster: string;
  eventBus: string;
  alertQueue: string;
  amiPrefix: string;
  topicPrefix: string;
  namespace: string;
  /** The API token of the scenario's credential `day-scenario` (admin): it reads the run and decides as the operator. */
  apiToken: string;
  /** The db-migrator's backup signing key (`keyId:base64secret`). */
  backupSigningKey: string;
  /**
   * The `neo4j` password of the scenario's servers (blue and every green its fleet starts have authentication on); the
   * db-migrator and the dco-runner log in with it, and the log scan looks for it.
   */
  neo4jPassword: string;
  endpoints: StackEndpoints;
  /** A big generated graph added to blue's seed (the day benchmark's upgrade day), if any. */
  bulkGraph?: BulkGraph;
  /**
   * Every Neo4j server of the scenario (blue and green): small and quick to start (C1 JIT) unless a bulk graph needs
   * memory and compiled throughput.
   */
  neo4jServer: { heapMb: number; pageCacheMb: number; quickStart: boolean };
}

export interface BulkGraph {
  nodes: number;
  relsPerNode: number;
}

const SMALL_NEO4J = { heapMb: 256, pageCacheMb: 64, quickStart: true };
const BULK_NEO4J = { heapMb: 2_048, pageCacheMb: 1_536, quickStart: false };

export function createWorkspace(
  scenario: DayScenario,
  now: Date,
  endpoints: StackEndpoints = localEndpoints(),
  root = join(REPO_ROOT, '.stack', 'day'),
  bulkGraph?: BulkGraph,
): DayWorkspace {
  const id = randomBytes(4).toString('hex');
  const day = now.toISOString().slice(0, 10);
  const dir = join(root, `${scenario.name}-${id}`);
  const name = `day-${id}`;
  return {
    scenario,
    id,
    createdAt: new Date(now.getTime()),
    day,
    runId: runIdOf(day),
    dir,
    configDir: join(dir, 'infra'),
    infraStateDir: join(dir, 'infra-state'),
    stateDir: join(dir, 'state'),
    logsDir: join(dir, 'logs'),
    releaseManifest: join(dir, 'release-manifest.json'),
    npm: { package: `dco-day-lib-${id}`, advisoryFeed: `dco-day-advisories-${id}` },
    envTag: name,
    cluster: `dco-${name}`,
    neo4jCluster: `dco-${name}-neo4j`,
    eventBus: `dco-${name}`,
    alertQueue: `dco-${name}-alerts`,
    amiPrefix: `dco-${name}-neo4j`,
    topicPrefix: `${name}.`,
    namespace: name,
    apiToken: randomBytes(24).toString('base64url'),
    backupSigningKey: `day-${id}:${randomBytes(32).toString('base64')}`,
    neo4jPassword: randomBytes(18).toString('base64url'),
    endpoints,
    bulkGraph,
    neo4jServer: bulkGraph && bulkGraph.nodes > 0 ? BULK_NEO4J : SMALL_NEO4J,
  };
}

/** How the scenario's tools log in to its servers (the services get the same as NEO4J_USER / NEO4J_PASSWORD). */
export function dayNeo4jLogin(ws: Pick<DayWorkspace, 'neo4jPassword'>): Neo4jCredentials {
  return { user: NEO4J_ADMIN_USER, password: ws.neo4jPassword };
}

/** The emulator records it in green's task definition; the local runtime keeps the store in the member's home. */
export const DAY_EFS_FILE_SYSTEM_ID = 'fs-00000000000da7e0';

/** What the preparation hands the launcher: where blue runs and what the health double listens on. */
export interface PreparedInfo {
  blue: { instanceId: string; boltUri: string };
  healthUrl: string;
  /** Staging's health endpoint (scenarios with promotion staging-first, ADR 0032). */
  stagingHealthUrl?: string;
}

/** The health endpoints of dco-runner and its canary as the rollout reads them, on one health double. */
const healthEndpoints = (url: string) =>
  `dco-runner=${url}/dco-runner/health,dco-runner-canary=${url}/dco-runner-canary/health`;

/** A scenario's staging (ADR 0032): production's definition with the scenario's staging names. */
export const stagingNames = (ws: Pick<DayWorkspace, 'id' | 'cluster' | 'envTag' | 'eventBus'>) => ({
  environment: `${ws.envTag}-staging`,
  cluster: `${ws.cluster}-staging`,
  eventBus: `${ws.eventBus}-staging`,
  infraPrefix: `${ws.id}/staging-infra`,
});

/** A soak long enough to measure across, short enough for a day scenario. */
export const DAY_STAGING_SOAK_MS = 2_000;

/**
 * A daily 5-field cron of the minute `now` is in (its :00 has passed), so the scheduler's catch-up ticks the workspace's
 * day at once and not again. Not the minute before: at 00:00:xx UTC that one is 23:59 of yesterday, and the scheduler
 * would tick yesterday's run while the day runner waits for today's.
 */
export function justPassedCron(now: Date): string {
  return dailyUtcCron(now);
}

/** HH:MM (UTC) a few minutes from now: too close for a 30-minute migration, enough for the DCO. */
export function closeDeadline(now: Date, minutes = 10): string {
  const at = new Date(now.getTime() + minutes * 60_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

/** Every service's environment on the local profile, real stage engines, tracing to Jaeger, alerts to the emulator. */
export function serviceEnvironment(
  app: AppName,
  ws: DayWorkspace,
  info: PreparedInfo,
  port: number,
): Record<string, string> {
  const now = ws.createdAt;
  const common: Record<string, string> = {
    DCO_PROFILE: 'local',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: ws.endpoints.kafkaBrokers,
    KAFKA_PARTITIONS: '3',
    DCO_NAMESPACE: ws.namespace,
    DCO_TOPIC_PREFIX: ws.topicPrefix,
    // Stable per app: a restarted process fences its killed predecessor's open transaction at once.
    DCO_INSTANCE_ID: `${app}-${ws.id}`,
    // Every service's API (runs, /metrics) answers only this credential; only the hash of its token is configured.
    DCO_API_CREDENTIALS: `day-scenario:admin:${createHash('sha256').update(ws.apiToken).digest('hex')}`,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ws.endpoints.otlpTracesUrl,
    DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  };
  const infra = {
    DCO_INFRA_CONFIG_DIR: ws.configDir,
    DCO_INFRA_STATE_DIR: ws.infraStateDir,
    DCO_ECS_CLUSTER: ws.cluster,
    ...dayRemoteState(ws),
  };
  const graph = {
    DCO_STATE_DIR: ws.stateDir,
    NEO4J_URI: info.blue.boltUri,
    NEO4J_USER: NEO4J_ADMIN_USER,
    NEO4J_PASSWORD: ws.neo4jPassword,
  };
  const policy = ws.scenario.policy ?? {};
  switch (app) {
    case 'scheduler':
      return { ...common, SCHEDULE_CRON: justPassedCron(now), SCHEDULE_TIME_ZONE: 'UTC', SCHEDULE_CATCH_UP: 'last' };
    case 'orchestrator':
      return {
        ...common,
        DCO_ALERT_EVENT_BUS: ws.eventBus,
        DCO_ALERT_QUEUE: ws.alertQueue,
        SAGA_APPROVAL_RISKS: policy.approvalRisks ?? 'high',
        SAGA_TIMER_INTERVAL_MS: '500',
        ...(ws.scenario.promotion
          ? { DCO_PROMOTION: ws.scenario.promotion, DCO_STAGING_SOAK_MS: String(DAY_STAGING_SOAK_MS) }
          : {}),
        // Far west, 23:59: today's deadline is hours ahead unless the scenario wants it close.
        ...(policy.deadline === 'too-close'
          ? { DCO_TIME_ZONE: 'UTC', DCO_DEADLINE: closeDeadline(now) }
          : { DCO_TIME_ZONE: 'Etc/GMT+12', DCO_DEADLINE: '23:59' }),
      };
    case 'detector':
      return {
        ...common,
        ...infra,
        DCO_STAGE_ENGINE: 'real',
        DCO_NEO4J_AMI_NAME: `${ws.amiPrefix}-*`,
        DCO_NEO4J_FLEET_TAGS: `dco:env=${ws.envTag}`,
        DCO_RELEASE_MANIFEST: ws.releaseManifest,
        // Dependency updates from the stack's npm registry where the scenario publishes one (ADR 0029).
        ...(ws.scenario.changes.advisory && ws.endpoints.npmRegistryUrl
          ? { DCO_NPM_REGISTRY_URL: ws.endpoints.npmRegistryUrl, DCO_NPM_ADVISORY_FEED: ws.npm.advisoryFeed }
          : {}),
        // Reports shared by every detector replica (ADR 0016).
        DCO_EXTERNAL_BUCKET: DAY_STATE_BUCKET,
        DCO_EXTERNAL_PREFIX: `${ws.id}/detector`,
      };
    case 'infra-deployer':
      return {
        ...common,
        ...infra,
        DCO_STAGE_ENGINE: 'real',
        DCO_HEALTH_ENDPOINTS: healthEndpoints(info.healthUrl),
        ...(info.stagingHealthUrl
          ? {
              DCO_STAGING_HEALTH_ENDPOINTS: healthEndpoints(info.stagingHealthUrl),
              DCO_STAGING_INFRA_PREFIX: stagingNames(ws).infraPrefix,
            }
          : {}),
        DCO_ROLLOUT_CANARY_FRACTION: '0.5',
        DCO_ROLLOUT_CANARY_ANALYSIS_MS: '1000',
        DCO_ROLLOUT_GATE_MS: '1000',
        DCO_ROLLOUT_POLL_MS: '100',
        DCO_ROLLOUT_STEADY_TIMEOUT_MS: '20000',
      };
    case 'db-migrator':
      return {
        ...common,
        ...graph,
        DCO_STAGE_ENGINE: 'real',
        DCO_BACKUP_SIGNING_KEY: ws.backupSigningKey,
        DCO_NEO4J_INSTANCE_ID: info.blue.instanceId,
        // One migration lease for the scenario, shared by every db-migrator replica (ADR 0016).
        DCO_MIGRATION_LEASE_BUCKET: DAY_STATE_BUCKET,
        DCO_MIGRATION_LEASE_PREFIX: `${ws.id}/db-migrator`,
        // The scenario's own fleet: its green's ClientToken and instance lookups never meet another scenario's.
        DCO_NEO4J_FLEET_TAGS: `dco:env=${ws.envTag}`,
        DCO_NEO4J_HEAP_MB: String(ws.neo4jServer.heapMb),
        DCO_NEO4J_PAGECACHE_MB: String(ws.neo4jServer.pageCacheMb),
        DCO_NEO4J_QUICK_START: String(ws.neo4jServer.quickStart),
        DCO_NEO4J_READY_TIMEOUT_MS: '240000',
        // Blue stays for the whole session (rollback and inspection); the runner retires it on teardown.
        DCO_NEO4J_RETIRE_GRACE_MS: String(24 * 3_600_000),
        ...(ws.scenario.fault === 'kill-migrator' ? { DCO_NEO4J_PAGE_SIZE: '500' } : {}),
        ...(ws.scenario.restoreMode ? { DCO_NEO4J_RESTORE_MODE: ws.scenario.restoreMode } : {}),
        ...(ws.scenario.restoreBatchSize ? { DCO_NEO4J_BATCH_SIZE: String(ws.scenario.restoreBatchSize) } : {}),
        ...(ws.scenario.neo4jFleet === 'ecs'
          ? {
              DCO_NEO4J_FLEET: 'ecs',
              DCO_NEO4J_ECS_CLUSTER: ws.neo4jCluster,
              DCO_NEO4J_EFS_FILE_SYSTEM_ID: DAY_EFS_FILE_SYSTEM_ID,
            }
          : {}),
      };
    case 'dco-runner':
      return {
        ...common,
        ...graph,
        DCO_STAGE_ENGINE: 'real',
        DCO_LEDGER: 'neo4j',
        DCO_DAILY_AMOUNT: '1000000000000000000000',
      };
  }
}

/**
 * The secrets a scenario configures, by name: none of them may appear in any service's log. The Kafka SCRAM password is
 * not among them: the shared broker is PLAINTEXT (kafka-acls.int-spec scans a SCRAM broker's client logs instead).
 */
export function workspaceSecrets(
  ws: Pick<DayWorkspace, 'apiToken' | 'backupSigningKey' | 'neo4jPassword'>,
): Record<string, string> {
  return {
    'the API token': ws.apiToken,
    'the backup signing key': ws.backupSigningKey.slice(ws.backupSigningKey.indexOf(':') + 1),
    'the Neo4j password': ws.neo4jPassword,
  };
}

/** The emulator bucket where a scenario's workers keep what outlives a process (one prefix per scenario, ADR 0016). */
export const DAY_STATE_BUCKET = 'dco-day-state';

/** The Terraform state and records of a scenario in the emulator's S3: every infra-deployer and detector replica shares them. */
export function dayRemoteState(ws: Pick<DayWorkspace, 'id'>): { DCO_INFRA_BUCKET: string; DCO_INFRA_PREFIX: string } {
  return { DCO_INFRA_BUCKET: DAY_STATE_BUCKET, DCO_INFRA_PREFIX: `${ws.id}/infra` };
}
