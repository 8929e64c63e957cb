// Two db-migrator replicas' leases on one bucket of the stack's moto S3: never both inside one environment's migration,
// a live holder keeps the lease by renewing it, and a crashed holder's lease is taken over once it expires.
import { Clock, CodedError } from '@dco/contracts';
import { localEmulatorOptions } from '@dco/aws';
import { waitFor } from '@dco/probes';
import { migrationLeaseOf, underLease } from './migration-lease.factory';

class ManualClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

const bucket = `dco-leases-${Date.now().toString(36)}`;
let test = 0;

function replicas(timing: { ttl: number; renew: number }, clock?: Clock) {
  const env = `env-${Date.now().toString(36)}-${++test}`;
  return ['pod-a', 'pod-b'].map((holder) =>
    migrationLeaseOf(
      {
        DCO_AWS_ENDPOINT: localEmulatorOptions().endpoint,
        DCO_MIGRATION_LEASE_BUCKET: bucket,
        DCO_MIGRATION_LEASE_PREFIX: 'db-migrator',
        DCO_MIGRATION_LEASE_TTL_MS: timing.ttl,
        DCO_MIGRATION_LEASE_RENEW_MS: timing.renew,
        DCO_ENV: env,
        DCO_INSTANCE_ID: holder,
      },
      clock,
    ),
  );
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof CodedError ? error.code : String(error)),
  );

describe('migration lease on moto S3, two replicas', () => {
  it('lets exactly one of two concurrent migrations of one environment run; the other is told DB.MIGRATION_LEASE_HELD', async () => {
    const [a, b] = replicas({ ttl: 60_000, renew: 20_000 });
    let inside = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const migrate = underLease(a, async (command: { runId: string; type: string }) => {
      inside++;
      most = Math.max(most, inside);
      await gate;
      inside--;
      return command.runId;
    });
    const migrateOnB = underLease(b, async (command: { runId: string; type: string }) => {
      inside++;
      most = Math.max(most, inside);
      inside--;
      return command.runId;
    });
    const first = migrate({ runId: 'run-1', type: 'MigrateDb' }, {});
    // b tries while a is inside (a's lease is in S3 once a's work has started)
    await waitFor(() => inside === 1, { timeoutMs: 10_000, intervalMs: 20, description: "a's migration to start" });
    expect(inside).toBe(1);
    expect(await codeOf(migrateOnB({ runId: 'run-1', type: 'MigrateDb' }, {}))).toBe('DB.MIGRATION_LEASE_HELD');
    release();
    expect(await first).toBe('run-1');
    // released: b runs now
    expect(await migrateOnB({ runId: 'run-2', type: 'RollbackDb' }, {})).toBe('run-2');
    expect(most).toBe(1);
  }, 30_000);

  it('two replicas racing for a free lease: exactly one gets it', async () => {
    const [a, b] = replicas({ ttl: 60_000, renew: 20_000 });
    const outcomes = await Promise.allSettled([a.acquire('run-1 MigrateDb'), b.acquire('run-1 MigrateDb')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as CodedError).code).toBe('DB.MIGRATION_LEASE_HELD');
  }, 30_000);

  it('a live holder keeps the lease past its TTL by renewing it', async () => {
    const [a, b] = replicas({ ttl: 1_000, renew: 250 });
    let refusals = 0;
    await a.hold('run-1 MigrateDb', async () => {
      const until = Date.now() + 2_500; // more than two TTLs: without renewals b would get the lease
      while (Date.now() < until) {
        expect(await codeOf(b.acquire('run-2 MigrateDb'))).toBe('DB.MIGRATION_LEASE_HELD');
        refusals++;
      }
    });
    expect(refusals).toBeGreaterThan(3);
    expect((await b.acquire('run-2 MigrateDb')).record.holder).toBe('pod-b');
  }, 30_000);

  it("takes over a crashed holder's lease once it expired; the old holder's renewal then fails DB.MIGRATION_LEASE_LOST", async () => {
    const clock = new ManualClock();
    const [a, b] = replicas({ ttl: 60_000, renew: 20_000 }, clock);
    const crashed = await a.acquire('run-1 MigrateDb'); // never renewed nor released: the pod died
    expect(await codeOf(b.acquire('run-1 MigrateDb'))).toBe('DB.MIGRATION_LEASE_HELD');
    clock.advance(60_001);
    expect((await b.acquire('run-1 MigrateDb')).record.holder).toBe('pod-b');
    expect(await codeOf(a.renew(crashed))).toBe('DB.MIGRATION_LEASE_LOST');
  }, 30_000);
});
