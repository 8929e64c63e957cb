// The lease's rules on the in-memory object store with a clock the spec moves: one holder, takeover after expiry,
// renewal that detects the takeover, release, and hold() failing a command whose lease was lost.
import { Clock, CodedError } from '@dco/contracts';
import { InMemoryObjectStore } from '@dco/aws';
import { leaseKey, MigrationLease } from './migration-lease';

class ManualClock implements Clock {
  constructor(private time = Date.parse('2026-12-05T08:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof CodedError ? error.code : String(error)),
  );

describe('MigrationLease', () => {
  const setup = () => {
    const objects = new InMemoryObjectStore();
    const clock = new ManualClock();
    const lease = (holder: string) =>
      new MigrationLease(objects, clock, { scope: 'prod', holder, ttlMs: 60_000, renewMs: 20_000 });
    return { objects, clock, lease };
  };

  it('has one holder; another gets DB.MIGRATION_LEASE_HELD until the lease expires, then takes it over', async () => {
    const { clock, lease } = setup();
    const held = await lease('pod-a').acquire('run-1 MigrateDb');
    expect(held.record).toMatchObject({ holder: 'pod-a', expiresAt: '2026-12-05T08:01:00.000Z' });
    expect(await codeOf(lease('pod-b').acquire('run-2 MigrateDb'))).toBe('DB.MIGRATION_LEASE_HELD');
    clock.advance(60_001);
    const taken = await lease('pod-b').acquire('run-2 MigrateDb');
    expect(taken.record.holder).toBe('pod-b');
    expect(await codeOf(lease('pod-a').renew(held))).toBe('DB.MIGRATION_LEASE_LOST');
  });

  it('is taken back at once by a later start of its holder, never by the holding process itself', async () => {
    const { objects, clock } = setup();
    const start = () =>
      new MigrationLease(objects, clock, { scope: 'prod', holder: 'pod-a', ttlMs: 60_000, renewMs: 20_000 });
    const first = start();
    const held = await first.acquire('run-1 MigrateDb');
    // The same process asked again (a RollbackDb while its MigrateDb runs): refused, as for any other holder.
    expect(await codeOf(first.acquire('run-1 RollbackDb'))).toBe('DB.MIGRATION_LEASE_HELD');
    // pod-a was killed mid-migration and restarted under its name: the redelivered command resumes without waiting.
    clock.advance(1_000);
    const restarted = await start().acquire('run-1 MigrateDb');
    expect(restarted.record).toMatchObject({ holder: 'pod-a', expiresAt: '2026-12-05T08:01:01.000Z' });
    expect(restarted.record.incarnation).not.toBe(held.record.incarnation);
    // The earlier process, were it alive, would learn it on its next renewal.
    expect(await codeOf(first.renew(held))).toBe('DB.MIGRATION_LEASE_LOST');
    // Another replica still waits.
    expect(
      await codeOf(
        new MigrationLease(objects, clock, { scope: 'prod', holder: 'pod-b', ttlMs: 60_000, renewMs: 20_000 }).acquire(
          'run-2',
        ),
      ),
    ).toBe('DB.MIGRATION_LEASE_HELD');
  });

  it('renewal extends the lease; release frees it at once', async () => {
    const { clock, lease } = setup();
    let held = await lease('pod-a').acquire('run-1');
    clock.advance(50_000);
    held = await lease('pod-a').renew(held);
    clock.advance(50_000);
    expect(await codeOf(lease('pod-b').acquire('run-2'))).toBe('DB.MIGRATION_LEASE_HELD');
    await lease('pod-a').release(held);
    expect((await lease('pod-b').acquire('run-2')).record.holder).toBe('pod-b');
  });

  it('hold() runs the work under the lease, releases it, and fails with DB.MIGRATION_LEASE_LOST after a takeover', async () => {
    const objects = new InMemoryObjectStore();
    const clock = new ManualClock();
    let noticeLoss: () => void = () => undefined;
    const lossNoticed = new Promise<void>((resolve) => (noticeLoss = resolve));
    const make = (holder: string) =>
      new MigrationLease(objects, clock, { scope: 'prod', holder, ttlMs: 40, renewMs: 10, onLost: () => noticeLoss() });
    expect(await make('pod-a').hold('run-1', async () => 'migrated')).toBe('migrated');
    expect((await make('pod-b').acquire('run-2')).record.holder).toBe('pod-b'); // released

    clock.advance(1_000); // pod-b's lease expires; pod-a takes it, then pod-b takes it over mid-work
    const outcome = codeOf(
      make('pod-a').hold('run-3', async () => {
        clock.advance(1_000);
        await make('pod-b').acquire('run-4');
        await lossNoticed; // the next renewal tick finds the takeover
        return 'done';
      }),
    );
    expect(await outcome).toBe('DB.MIGRATION_LEASE_LOST');
  });

  it('refuses a renewal period over half the TTL, and keys any scope safely', () => {
    expect(
      () =>
        new MigrationLease(new InMemoryObjectStore(), new ManualClock(), {
          scope: 'prod',
          holder: 'a',
          ttlMs: 10_000,
          renewMs: 6_000,
        }),
    ).toThrow('at most half the TTL');
    expect(leaseKey('prod')).toBe('migration-lease/prod.json');
    expect(leaseKey('team a/../b')).toMatch(/^migration-lease\/team_a_.._b-[0-9a-f]{12}\.json$/);
  });
});
