// The SagaStore contract: what the in-memory and the Kafka store both guarantee, run by a unit spec and an int-spec.
import { AnyMessage, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { MessageBus, OutputRecord } from '@dco/messaging';
import { uuidGenerator } from '@dco/platform';
import { DEFAULT_POLICY, RunState, decide } from '@dco/saga';
import { waitFor } from '@dco/probes';
import { SagaStore } from './saga-store.port';

export interface SagaStoreHarness {
  bus: MessageBus;
  /** A fresh store instance, as a restarted process would create it. */
  store(): SagaStore;
  close(): Promise<void>;
}

const tick = (day: string): AnyMessage =>
  createMessage(
    'DailyTick',
    { day, trigger: 'schedule', scheduledAt: new Date().toISOString() },
    { runId: runIdOf(day), producer: 'scheduler' },
    { clock: systemClock, ids: uuidGenerator },
  ) as AnyMessage;

function startedRun(message: AnyMessage): RunState {
  const decision = decide(undefined, message, { now: new Date(), ids: uuidGenerator, policy: DEFAULT_POLICY, day: {} });
  if (!decision.ok) throw new Error(decision.rejection.message);
  return decision.state;
}

export function sagaStoreContract(name: string, open: () => Promise<SagaStoreHarness>, timeoutMs: number): void {
  describe(`SagaStore contract: ${name}`, () => {
    let harness: SagaStoreHarness;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness.close();
    });

    /** Subscribes a handler that stores, for each tick, the records `recordsFor` returns. */
    const storeOnTick = async (recordsFor: (message: AnyMessage) => OutputRecord[]) => {
      const store = harness.store();
      await harness.bus.subscribe({
        group: 'saga-store-contract',
        types: ['DailyTick'],
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        handler: async (message) => {
          if (message.type === 'DailyTick' && message.data.day === '2026-01-03')
            throw new Error('handler failed: nothing may be stored');
          return { records: recordsFor(message).length ? recordsFor(message) : [store.recordOf(startedRun(message))] };
        },
      });
      return store;
    };

    it('reads back the newest committed snapshot of every run, and nothing of a failed handler', async () => {
      const writer = await storeOnTick((message) => {
        if (message.type !== 'DailyTick' || message.data.day !== '2026-01-02') return [];
        const state = startedRun(message);
        // Two snapshots of one run in one commit: the later version wins.
        return [
          writer.recordOf({ ...state, version: 1 }),
          writer.recordOf({ ...state, version: 2, status: 'ApplyingInfra' }),
        ];
      });
      await harness.bus.publish(tick('2026-01-01'), tick('2026-01-02'), tick('2026-01-03'));
      const loaded = await waitFor(
        async () => {
          const states = await harness.store().loadAll();
          return states.length >= 2 ? states : undefined;
        },
        { description: 'both runs to be stored', timeoutMs, intervalMs: 50 },
      );
      expect(loaded.map((s) => `${s.runId}:${s.version}:${s.status}`).sort()).toEqual([
        'dco-2026-01-01:1:Detecting',
        'dco-2026-01-02:2:ApplyingInfra',
      ]);
    });

    it('refuses to start from a snapshot it cannot read', async () => {
      await storeOnTick(() => [{ topic: 'SagaState', key: 'dco-2026-02-01', value: Buffer.from('{"format":99}') }]);
      await harness.bus.publish(tick('2026-02-01'));
      const error = await waitFor(
        async () => {
          try {
            await harness.store().loadAll();
            return undefined;
          } catch (caught) {
            return caught as { code?: string };
          }
        },
        { description: 'the unreadable snapshot to be stored', timeoutMs, intervalMs: 50 },
      );
      expect(error.code).toBe('SAGA.SNAPSHOT_UNREADABLE');
    });
  });
}
