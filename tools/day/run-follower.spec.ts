// The follower's waits: a command that can no longer come fails at the run's end, not at the timeout.
import { randomUUID } from 'node:crypto';
import { AnyMessage } from '@dco/contracts';
import { RunFollower } from './run-follower';

/** A follower without a broker: messages are handed to it as the subscription would. */
function follower(): { follower: RunFollower; deliver: (message: Partial<AnyMessage>) => void } {
  const instance = Object.create(RunFollower.prototype) as RunFollower;
  Object.assign(instance, { seen: [], listeners: new Set(), printed: new Set(), print: () => undefined });
  const receive = (instance as unknown as { receive: (m: AnyMessage) => void }).receive.bind(instance);
  return {
    follower: instance,
    deliver: (message) =>
      receive({
        eventId: randomUUID(),
        schemaVersion: 1,
        occurredAt: '2026-12-07T23:59:00.000Z',
        producer: 'orchestrator',
        ...message,
      } as AnyMessage),
  };
}

describe('RunFollower.waitForType', () => {
  it('resolves with the command, seen before or after the call', async () => {
    const { follower: f, deliver } = follower();
    deliver({ runId: 'dco-2026-12-07', type: 'DetectChanges', data: {} as never });
    const waiting = f.waitForType('dco-2026-12-07', 'ApplyInfra', 60_000);
    deliver({ runId: 'dco-2026-12-08', type: 'ApplyInfra', data: {} as never });
    deliver({ runId: 'dco-2026-12-07', type: 'ApplyInfra', data: {} as never });
    await expect(waiting).resolves.toMatchObject({ runId: 'dco-2026-12-07', type: 'ApplyInfra' });
  });

  it("fails at the run's end when the command never came, saying how the run ended", async () => {
    jest.useFakeTimers();
    try {
      const { follower: f, deliver } = follower();
      const waiting = f.waitForType('dco-2026-12-07', 'ApplyInfra', 360_000);
      const outcome = waiting.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      deliver({
        runId: 'dco-2026-12-07',
        type: 'RunFailed',
        data: { day: '2026-12-07', failure: { code: 'DETECT.SOURCE_FAILED' }, pending: [] } as never,
      });
      await jest.advanceTimersByTimeAsync(10_000);
      await expect(outcome).resolves.toMatch(
        /^dco-2026-12-07 ended \(RunFailed\) without ApplyInfra: .*DETECT\.SOURCE_FAILED/,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes a command delivered shortly after the run end (topics are read side by side)', async () => {
    const { follower: f, deliver } = follower();
    const waiting = f.waitForType('dco-2026-12-07', 'ApplyInfra', 60_000);
    deliver({
      runId: 'dco-2026-12-07',
      type: 'RunCompleted',
      data: { day: '2026-12-07', steps: [], deferred: [] } as never,
    });
    deliver({ runId: 'dco-2026-12-07', type: 'ApplyInfra', data: {} as never });
    await expect(waiting).resolves.toMatchObject({ type: 'ApplyInfra' });
  });
});
