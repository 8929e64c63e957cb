// The migration lease's variables (validated at boot; part of DbMigratorConfig). ADR 0016.
import { IsInt, IsOptional, Matches, Min, ValidateBy } from 'class-validator';

export class MigrationLeaseConfig {
  /**
   * The S3 bucket holding each environment's migration lease, shared by every db-migrator replica; unset = a lease in
   * the process's memory (one replica only: the embedded profile and tests).
   */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'DCO_MIGRATION_LEASE_BUCKET must be an S3 bucket name' })
  DCO_MIGRATION_LEASE_BUCKET?: string;

  /** Key prefix of the leases in that bucket. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, {
    message: 'DCO_MIGRATION_LEASE_PREFIX must be slash-separated segments of letters, digits, . _ -',
  })
  DCO_MIGRATION_LEASE_PREFIX = 'db-migrator';

  /** How long a lease outlives its holder's last renewal: a crashed replica's lease is free after this (default 2 min). */
  @IsInt({ message: 'DCO_MIGRATION_LEASE_TTL_MS must be an integer number of milliseconds' })
  @Min(1_000, { message: 'DCO_MIGRATION_LEASE_TTL_MS must be at least 1000' })
  DCO_MIGRATION_LEASE_TTL_MS = 120_000;

  /** How often the holder renews it; at most half the TTL (default 30 s). */
  @IsInt({ message: 'DCO_MIGRATION_LEASE_RENEW_MS must be an integer number of milliseconds' })
  @Min(100, { message: 'DCO_MIGRATION_LEASE_RENEW_MS must be at least 100' })
  @ValidateBy({
    name: 'atMostHalfTheLeaseTtl',
    validator: {
      validate: (value: unknown, args) =>
        typeof value === 'number' && value * 2 <= (args?.object as MigrationLeaseConfig).DCO_MIGRATION_LEASE_TTL_MS,
      defaultMessage: () => 'DCO_MIGRATION_LEASE_RENEW_MS must be at most half DCO_MIGRATION_LEASE_TTL_MS',
    },
  })
  DCO_MIGRATION_LEASE_RENEW_MS = 30_000;
}
