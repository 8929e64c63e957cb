// How many replicas each service can run TODAY, in one table: the deploy validator checks k8s/, docker-compose.yml and
// infra/terraform.tfvars.json against it, and docs/deployment.md repeats it (the validator checks that copy too). ADR 0014.

export interface ReplicaLimit {
  /** Replicas a deployment should run. */
  replicas: number;
  /** The most replicas the service runs correctly (autoscaling included); 1 = exactly one, updated by Recreate. */
  max: number;
  /** Why, for the docs and for the validator's messages. */
  reason: string;
}

export const REPLICA_LIMITS = {
  scheduler: {
    replicas: 2,
    max: 2,
    reason:
      "every replica publishes the day's DailyTick under the same run id (runIdOf(day)); the saga starts one run and rejects the rest (SAGA.DUPLICATE_START); more replicas only add duplicate ticks",
  },
  orchestrator: {
    replicas: 2,
    max: 3,
    reason:
      'ADR 0004: one active (the OrchestratorLease holder, fenced by an exclusive transactional id), the others standbys that follow SagaState and serve reads; more than one standby adds nothing but lease-group members',
  },
  detector: {
    replicas: 2,
    max: 3,
    reason:
      'ADR 0016: external reports are S3 objects written with conditional puts (DCO_EXTERNAL_BUCKET), the Terraform state and last-good record it compares are in S3 (DCO_INFRA_BUCKET); any replica answers any DetectChanges',
  },
  'infra-deployer': {
    replicas: 2,
    max: 3,
    reason:
      'ADR 0016: Terraform state in the S3 backend locked with use_lockfile, saved plans, snapshots and last-good in S3 (DCO_INFRA_BUCKET); two applies of one environment serialize on the lock (INFRA.STATE_LOCKED, INFRA.PLAN_STALE)',
  },
  'db-migrator': {
    replicas: 2,
    max: 3,
    reason:
      "ADR 0016: MigrateDb and RollbackDb hold the environment's migration lease in S3 (DCO_MIGRATION_LEASE_BUCKET), so one replica drives a cutover; backups in S3 (DCO_BACKUP_BUCKET)",
  },
  'dco-runner': {
    replicas: 2,
    max: 6,
    reason:
      'ADR 0005: the ledger makes a day exactly-once across runners (unique Offering per day, idempotent allocations); needs the SSM connection pointer; at most one replica per partition',
  },
} as const satisfies Record<string, ReplicaLimit>;

export type ServiceName = keyof typeof REPLICA_LIMITS;
