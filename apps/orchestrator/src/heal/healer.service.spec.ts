// The healer's schedule: a check every interval in the active orchestrator only, never two at once, none when off.
import { Leadership } from '../leadership/leadership';
import { SoleLease } from '../leadership/orchestrator-lease';
import { HealerHandle } from './heal.tokens';
import { Healer } from './healer.use-case';
import { HealerService } from './healer.service';

describe('HealerService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function schedule(checkTakesMs = 0) {
    let checks = 0;
    let closed = false;
    const healer = {
      check: () => {
        checks += 1;
        return new Promise((resolve) => setTimeout(() => resolve([]), checkTakesMs));
      },
    } as unknown as Healer;
    const handle: HealerHandle = { healer, intervalMs: 1_000, close: async () => void (closed = true) };
    const leadership = new Leadership(new SoleLease('o-1'));
    const service = new HealerService(handle, leadership);
    service.onApplicationBootstrap();
    return { service, leadership, checks: () => checks, closed: () => closed };
  }

  it('checks every interval while active, not while standby, and closes its clients at shutdown', async () => {
    const { service, leadership, checks, closed } = schedule();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(checks()).toBe(0);
    leadership.set('active');
    await jest.advanceTimersByTimeAsync(3_500);
    expect(checks()).toBe(3);
    await service.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(checks()).toBe(3);
    expect(closed()).toBe(true);
  });

  it('never starts a check while the previous one runs', async () => {
    const { service, leadership, checks } = schedule(2_500);
    leadership.set('active');
    // Started at 1 s, done at 3.5 s: the ticks at 2 s and 3 s find it running; the next starts at 4 s.
    await jest.advanceTimersByTimeAsync(3_900);
    expect(checks()).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(checks()).toBe(2);
    const shutdown = service.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(3_000);
    await shutdown;
    expect(checks()).toBe(2);
  });

  it('does nothing without a healer (DCO_HEALER=off)', async () => {
    const service = new HealerService(null, new Leadership(new SoleLease('o-1')));
    service.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    await service.beforeApplicationShutdown();
  });
});
