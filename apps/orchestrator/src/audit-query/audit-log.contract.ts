// The AuditLog contract: what the in-memory and the Kafka audit log both guarantee, run by a unit spec and an int-spec.
import { AnyMessage, FIXTURE_DATA, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { uuidGenerator } from '@dco/platform';
import { waitFor } from '@dco/probes';
import { AuditLog } from './audit-log.port';
import { AuditQuery } from './audit-query.service';

export interface AuditLogHarness {
  bus: MessageBus;
  /** A fresh reader, as another orchestrator replica would create it. */
  log(): AuditLog;
  close(): Promise<void>;
}

const tick = (day: string): AnyMessage =>
  createMessage(
    'DailyTick',
    { day, trigger: 'schedule', scheduledAt: new Date().toISOString() },
    { runId: runIdOf(day), producer: 'scheduler' },
    { clock: systemClock, ids: uuidGenerator },
  ) as AnyMessage;

/** Two entries per tick, the way the saga writes them: in the handler's output, caused by the tick. */
const entriesOf = (cause: AnyMessage): AnyMessage[] =>
  [0, 1].map(
    (seq) =>
      createMessage(
        'AuditRecorded',
        { ...FIXTURE_DATA.AuditRecorded, kind: seq === 0 ? 'transition' : 'step-started', version: 1, seq },
        { runId: cause.runId, producer: 'orchestrator', causedBy: cause },
        { clock: systemClock, ids: uuidGenerator },
      ) as AnyMessage,
  );

export function auditLogContract(name: string, open: () => Promise<AuditLogHarness>, timeoutMs: number): void {
  describe(`AuditLog contract: ${name}`, () => {
    let harness: AuditLogHarness;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness.close();
    });

    it(
      'reads nothing from a topic that has no entry',
      async () => {
        expect(await harness.log().read(() => true)).toEqual([]);
      },
      timeoutMs,
    );

    it(
      "reads back what a handler's transaction wrote, keeps what the filter keeps, and the query gives one day in order",
      async () => {
        await harness.bus.ensureTopics(['DailyTick', 'AuditRecorded']);
        await harness.bus.subscribe({
          group: 'audit-contract',
          types: ['DailyTick'],
          fromBeginning: true,
          handler: async (message) => ({ messages: entriesOf(message).reverse() }),
        });
        await harness.bus.publish(tick('2026-11-26'), tick('2026-11-27'));
        const log = harness.log();
        await waitFor(async () => (await log.read(() => true)).length === 4, {
          description: 'four audit entries committed',
          timeoutMs,
          intervalMs: 250,
        });
        const kept = await log.read((message) => message.runId === 'dco-2026-11-27');
        expect(kept.map((message) => [message.type, message.runId])).toEqual([
          ['AuditRecorded', 'dco-2026-11-27'],
          ['AuditRecorded', 'dco-2026-11-27'],
        ]);
        const day = await new AuditQuery(harness.log()).ofDay({ day: '2026-11-26' });
        expect(day.map((entry) => [entry.runId, entry.kind, entry.seq])).toEqual([
          ['dco-2026-11-26', 'transition', 0],
          ['dco-2026-11-26', 'step-started', 1],
        ]);
        expect(day[0].causationId).toEqual(expect.any(String));
      },
      timeoutMs,
    );
  });
}
