// The migration lease for the validated config: S3 when DCO_MIGRATION_LEASE_BUCKET is set (shared by replicas), else
// in the process's memory (one replica). And the wrapper that runs a MigrateDb/RollbackDb port under it.
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { Clock, systemClock } from '@dco/contracts';
import { AwsClientVariables, awsClientOptions, InMemoryObjectStore, ObjectStore, S3ObjectStore } from '@dco/aws';
import { MigrationLease } from './migration-lease';
import { MigrationLeaseConfig } from './migration-lease.config';

export type MigrationLeaseEnvironment = MigrationLeaseConfig &
  AwsClientVariables & { DCO_ENV?: string; DCO_INSTANCE_ID?: string };

export function migrationLeaseOf(config: MigrationLeaseEnvironment, clock: Clock = systemClock): MigrationLease {
  const logger = new Logger('MigrationLease');
  let objects: ObjectStore = new InMemoryObjectStore();
  let ready: Promise<void> = Promise.resolve();
  if (config.DCO_MIGRATION_LEASE_BUCKET) {
    const s3 = new S3ObjectStore(S3ObjectStore.client(awsClientOptions(config)), {
      bucket: config.DCO_MIGRATION_LEASE_BUCKET,
      prefix: config.DCO_MIGRATION_LEASE_PREFIX,
    });
    // On the local emulator the bucket is made on first use; in AWS it is provisioned with the account.
    if (config.DCO_AWS_ENDPOINT) ready = s3.ensureBucket().catch(() => undefined);
    objects = s3;
  }
  const store: ObjectStore = {
    locate: (key) => objects.locate(key),
    get: async (key) => (await ready, objects.get(key)),
    create: async (key, body) => (await ready, objects.create(key, body)),
    replace: async (key, body, etag) => (await ready, objects.replace(key, body, etag)),
    put: async (key, body) => (await ready, objects.put(key, body)),
    delete: async (key) => (await ready, objects.delete(key)),
    list: async (prefix) => (await ready, objects.list(prefix)),
  };
  return new MigrationLease(store, clock, {
    scope: config.DCO_ENV ?? 'default',
    holder: config.DCO_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
    ttlMs: config.DCO_MIGRATION_LEASE_TTL_MS,
    renewMs: config.DCO_MIGRATION_LEASE_RENEW_MS,
    onLost: (error) => logger.error(error.message),
  });
}

/** The port, run under the environment's lease (kept a wrapper so the migration itself knows nothing of it). */
export function underLease<M extends { runId: string; type: string }, X, R>(
  lease: MigrationLease,
  port: (command: M, context: X) => Promise<R>,
): (command: M, context: X) => Promise<R> {
  return (command, context) => lease.hold(`${command.runId} ${command.type}`, () => port(command, context));
}
