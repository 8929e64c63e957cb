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
    replicas: 1,
    max: 1,
    reason:
      'ADR 0007: the external-report store and the Terraform workspace it compares are pod-local files (state in S3 / a compacted topic is later work)',
  },
  'infra-deployer': {
    replicas: 1,
    max: 1,
    reason:
      'ADR 0007: Terraform state, saved plans and the last-good snapshot are pod-local files (remote state is later work)',
  },
  'db-migrator': {
    replicas: 1,
    max: 1,
    reason:
      'ADR 0006: backups and the migration in flight are pod-local; two migrators would race on one blue-green cutover',
  },
  'dco-runner': {
    replicas: 2,
    max: 6,
    reason:
      'ADR 0005: the ledger makes a day exactly-once across runners (unique Offering per day, idempotent allocations); needs the SSM connection pointer; at most one replica per partition',
  },
} as const satisfies Record<string, ReplicaLimit>;

export type ServiceName = keyof typeof REPLICA_LIMITS;
