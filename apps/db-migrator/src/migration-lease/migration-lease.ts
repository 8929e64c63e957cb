// One environment's migration lease in an object store (S3 in deployments): a db-migrator replica holds it while it
// migrates or rolls back that environment's Neo4j, so two replicas never drive one blue-green cutover. Taken with a
// conditional create (If-None-Match: *) or, once expired or released, a conditional replace (If-Match: ETag); renewed
// by replace at the ETag it holds, so a holder that was taken over learns it on its next renewal. ADR 0016.
import { createHash, randomUUID } from 'node:crypto';
import { Clock, CodedError } from '@dco/contracts';
import { ObjectStore } from '@dco/aws';

export interface LeaseRecord {
  holder: string;
  /** What the holder is doing (run id and command), for the operator reading a held lease. */
  purpose: string;
  acquiredAt: string;
  /** Another replica may take the lease over after this instant; "released" leases carry the release time. */
  expiresAt: string;
  released?: boolean;
  /** Which start of the holder's process took it: a later start under the same name knows the earlier one is gone. */
  incarnation?: string;
}

export interface MigrationLeaseOptions {
  /** The environment (DCO_ENV) whose migrations the lease serializes. */
  scope: string;
  /**
   * This replica (DCO_INSTANCE_ID, i.e. the pod name, or host:pid), unique among the replicas running at one time. A
   * process started under the name of a holder takes its lease back at once: the earlier process of that name is gone
   * (a container restarted in its pod, a killed migrator restarted), and the lease is its own unfinished work.
   */
  holder: string;
  ttlMs: number;
  renewMs: number;
  /** Told when a renewal finds the lease taken over (for the log; the command then fails with that error). */
  onLost?: (error: CodedError) => void;
}

export interface HeldLease {
  record: LeaseRecord;
  etag: string;
}

export class MigrationLease {
  readonly key: string;
  private readonly incarnation = randomUUID();

  constructor(
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
    private readonly options: MigrationLeaseOptions,
  ) {
    if (options.renewMs <= 0 || options.renewMs * 2 > options.ttlMs)
      throw new CodedError(
        'DB.MIGRATION_LEASE_FAILED',
        `lease renewal every ${options.renewMs} ms must be positive and at most half the TTL (${options.ttlMs} ms)`,
      );
    this.key = leaseKey(options.scope);
  }

  /** Takes the lease, or throws DB.MIGRATION_LEASE_HELD (transient: the bus retries the command) while another holds it. */
  async acquire(purpose: string): Promise<HeldLease> {
    const now = this.clock.now();
    const record: LeaseRecord = {
      holder: this.options.holder,
      purpose,
      acquiredAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.options.ttlMs).toISOString(),
      incarnation: this.incarnation,
    };
    const body = JSON.stringify(record);
    const current = await this.guard('read', () => this.objects.get(this.key));
    if (!current) {
      const created = await this.guard('create', () => this.objects.create(this.key, body));
      if (created !== 'exists') return { record, etag: created.etag };
      return this.acquire(purpose); // another replica created it first: look at what it holds
    }
    const held = JSON.parse(current.body.toString('utf8')) as LeaseRecord;
    const leftByEarlierStart = held.holder === this.options.holder && held.incarnation !== this.incarnation;
    if (!held.released && Date.parse(held.expiresAt) > now.getTime() && !leftByEarlierStart)
      throw new CodedError(
        'DB.MIGRATION_LEASE_HELD',
        `the migration lease of "${this.options.scope}" is held by ${held.holder} (${held.purpose}) until ${held.expiresAt}`,
        this.objects.locate(this.key),
      );
    const taken = await this.guard('take over', () => this.objects.replace(this.key, body, current.etag));
    if (taken === 'conflict')
      throw new CodedError(
        'DB.MIGRATION_LEASE_HELD',
        `another replica took the migration lease of "${this.options.scope}" at the same time`,
        this.objects.locate(this.key),
      );
    return { record, etag: taken.etag };
  }

  /** Extends the lease; DB.MIGRATION_LEASE_LOST when another replica took it over (it had expired). */
  async renew(lease: HeldLease): Promise<HeldLease> {
    const record = {
      ...lease.record,
      expiresAt: new Date(this.clock.now().getTime() + this.options.ttlMs).toISOString(),
    };
    const renewed = await this.guard('renew', () => this.objects.replace(this.key, JSON.stringify(record), lease.etag));
    if (renewed === 'conflict')
      throw new CodedError(
        'DB.MIGRATION_LEASE_LOST',
        `the migration lease of "${this.options.scope}" was taken over while ${this.options.holder} held it`,
        this.objects.locate(this.key),
      );
    return { record, etag: renewed.etag };
  }

  /** Hands the lease back at once (a lost lease is left to its new holder). */
  async release(lease: HeldLease): Promise<void> {
    const record = { ...lease.record, released: true, expiresAt: this.clock.now().toISOString() };
    await this.guard('release', () => this.objects.replace(this.key, JSON.stringify(record), lease.etag));
  }

  /**
   * Runs work under the lease, renewing it every renewMs. A renewal that finds the lease taken over fails the command
   * with DB.MIGRATION_LEASE_LOST once the work returns (its result is not reported as this replica's).
   */
  async hold<T>(purpose: string, work: () => Promise<T>): Promise<T> {
    let lease = await this.acquire(purpose);
    let lost: CodedError | undefined;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        if (lost) return;
        try {
          lease = await this.renew(lease);
        } catch (error) {
          // A failed renewal (S3 unreachable) is retried on the next tick; only a takeover is final.
          if (error instanceof CodedError && error.code === 'DB.MIGRATION_LEASE_LOST') {
            lost = error;
            this.options.onLost?.(error);
          }
        }
      });
    }, this.options.renewMs);
    try {
      const result = await work();
      clearInterval(timer);
      await renewing;
      if (lost) throw lost;
      return result;
    } finally {
      clearInterval(timer);
      await renewing;
      if (!lost) await this.release(lease).catch(() => undefined); // expiry frees it if the release fails
    }
  }

  private async guard<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new CodedError(
        'DB.MIGRATION_LEASE_FAILED',
        `cannot ${action} the migration lease at ${this.objects.locate(this.key)}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }
}

/** migration-lease/<scope>.json; a scope with other characters gets a readable part and a hash. */
export function leaseKey(scope: string): string {
  const readable =
    scope
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^[^A-Za-z0-9]/, 'x')
      .slice(0, 64) || 'x';
  if (readable === scope) return `migration-lease/${scope}.json`;
  return `migration-lease/${readable}-${createHash('sha256').update(scope).digest('hex').slice(0, 12)}.json`;
}
