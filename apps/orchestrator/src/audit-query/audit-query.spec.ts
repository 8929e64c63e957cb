// The audit trail on the in-memory bus (ADR 0028): the saga writes each entry with the transition that causes it, and
// the query reads back a day's entries (or one run's) in the saga's order, each once.
import { AnyMessage, Clock, CodedError, FIXTURE_DATA, MessageType, createMessage } from '@dco/contracts';
import { HandlerOutput, InMemoryMessageBus } from '@dco/messaging';
import { DEFAULT_POLICY, SAGA_INPUT_TYPES } from '@dco/saga';
import { InMemorySagaStore } from '../run-saga/in-memory-saga-store.adapter';
import { RunRegistry } from '../run-saga/run-registry';
import { SagaHandler } from '../run-saga/saga.handler';
import { AuditController } from './audit.controller';
import { AuditQuery } from './audit-query.service';
import { auditOfDay } from './audit-entry.view';
import { InMemoryAuditLog } from './in-memory-audit-log.adapter';

const clock: Clock = { now: () => new Date('2026-11-26T06:00:00.000Z') };
let seq = 0;
const ids = { next: () => `40000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };

const tickOf = (day: string) =>
  createMessage(
    'DailyTick',
    { day, trigger: 'schedule', scheduledAt: `${day}T06:00:00.000Z` },
    { runId: `dco-${day}`, producer: 'scheduler' },
    { clock, ids },
  );

/** The saga and workers that answer at once (nothing detected, the DCO completed); the saga's log lines are kept. */
async function sagaOn(bus: InMemoryMessageBus) {
  const logged: Record<string, unknown>[] = [];
  const handler = new SagaHandler(new RunRegistry(), new InMemorySagaStore(bus), DEFAULT_POLICY, clock, ids, (line) =>
    logged.push(line),
  );
  const outputs: HandlerOutput[] = [];
  await bus.subscribe({
    group: 'orchestrator',
    types: SAGA_INPUT_TYPES,
    handler: async (message) => {
      const output = handler.handle(message);
      outputs.push(output);
      return output;
    },
  });
  await bus.subscribe({
    group: 'workers',
    types: ['DetectChanges', 'RunDco'] as MessageType[],
    handler: async (command) => {
      const day = (command.data as { day: string }).day;
      const context = { runId: command.runId, causedBy: command };
      const answer =
        command.type === 'DetectChanges'
          ? createMessage(
              'ChangesDetected',
              { day, changes: [], sources: [] },
              { ...context, producer: 'detector' },
              { clock, ids },
            )
          : createMessage(
              'DcoCompleted',
              { ...FIXTURE_DATA.DcoCompleted, day },
              { ...context, producer: 'dco-runner' },
              { clock, ids },
            );
      return { messages: [answer as AnyMessage] };
    },
  });
  return { logged, outputs };
}

describe('the audit trail through the saga (in memory)', () => {
  it('writes each entry in the output that stores the transition, logs it at info, and reads a day back in order', async () => {
    const bus = new InMemoryMessageBus();
    const { logged, outputs } = await sagaOn(bus);
    await bus.publish(tickOf('2026-11-26'), tickOf('2026-11-27'));
    await bus.broker.idle();

    // Every output that stores a snapshot carries the entries of that transition, caused by the message it handled.
    for (const output of outputs.filter((o) => (o.records ?? []).length > 0)) {
      const audit = (output.messages ?? []).filter((m) => m.type === 'AuditRecorded');
      expect(audit.length).toBeGreaterThan(0);
    }
    expect(logged.filter((line) => line.level === 'info' && line.audit !== undefined).length).toBeGreaterThan(0);

    const query = new AuditQuery(new InMemoryAuditLog(bus));
    const day = await query.ofDay({ day: '2026-11-26' });
    expect(new Set(day.map((entry) => entry.runId))).toEqual(new Set(['dco-2026-11-26']));
    expect(day.map((entry) => (entry.kind === 'transition' ? `${entry.kind}:${entry.to}` : entry.kind))).toEqual([
      'transition:Detecting',
      'step-started',
      'transition:RunningDco',
      'step-started',
      'dco',
      'transition:Completed',
    ]);
    expect(day.find((entry) => entry.kind === 'dco')).toMatchObject({ actor: 'dco-runner', cause: 'DcoCompleted' });
    expect(day.every((entry) => entry.causationId !== undefined)).toBe(true);
  });

  it('filters by run and by day, orders by version then position, and shows a redelivered entry once', () => {
    const entry = (runId: string, version: number, seq: number, eventId = ids.next()) =>
      createMessage(
        'AuditRecorded',
        { ...FIXTURE_DATA.AuditRecorded, version, seq },
        { runId, producer: 'orchestrator' },
        { clock, ids: { next: () => eventId } },
      ) as AnyMessage;
    const repeated = entry('dco-2026-11-26-r1', 1, 0);
    const messages = [
      entry('dco-2026-11-26', 3, 1),
      entry('dco-2026-11-27', 1, 0),
      repeated,
      entry('dco-2026-11-26', 3, 0),
      entry('dco-2026-11-26', 1, 0),
      repeated,
    ];
    expect(auditOfDay(messages, { day: '2026-11-26' }).map((e) => [e.runId, e.version, e.seq])).toEqual([
      ['dco-2026-11-26', 1, 0],
      ['dco-2026-11-26', 3, 0],
      ['dco-2026-11-26', 3, 1],
      ['dco-2026-11-26-r1', 1, 0],
    ]);
    expect(auditOfDay(messages, { day: '2026-11-26', runId: 'dco-2026-11-26-r1' })).toHaveLength(1);
    // A run of another day is not part of this day even when named.
    expect(auditOfDay(messages, { day: '2026-11-26', runId: 'dco-2026-11-27' })).toEqual([]);
  });
});

describe('the audit API when the topic cannot be read', () => {
  it('answers API.UNAVAILABLE (503) with the cause, not an internal error', async () => {
    const failing = new AuditQuery({
      read: () => Promise.reject(new CodedError('MSG.TOPIC_READ_TIMEOUT', 'could not read AuditRecorded to its end')),
    });
    await expect(new AuditController(failing).list({ day: '2026-11-26' })).rejects.toMatchObject({
      code: 'API.UNAVAILABLE',
      status: 503,
      message: expect.stringContaining('could not read AuditRecorded to its end'),
    });
  });
});
