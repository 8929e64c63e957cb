// Every missed day through the saga handler on the in-memory bus (ADR 0023): after three days down, the late tick runs
// the three missed days one after the other, oldest first, each with one DCO, then its own day; a restarted
// orchestrator carries the catch-up on from the store alone.
import { AnyMessage, Clock, FIXTURE_DATA, MessageType, createMessage } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { CATCH_UP_REQUESTER, DEFAULT_POLICY, RunPolicy, SAGA_INPUT_TYPES } from '@dco/saga';
import { InMemorySagaStore } from './in-memory-saga-store.adapter';
import { RunRegistry } from './run-registry';
import { SagaHandler } from './saga.handler';

class TestClock implements Clock {
  constructor(public time: Date) {}
  now(): Date {
    return this.time;
  }
}

let seq = 0;
const ids = { next: () => `30000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };

function orchestratorOn(bus: InMemoryMessageBus, clock: Clock, policy: RunPolicy = DEFAULT_POLICY) {
  const registry = new RunRegistry();
  const store = new InMemorySagaStore(bus);
  const handler = new SagaHandler(registry, store, policy, clock, ids);
  return { registry, store, handler };
}

/** Workers that answer each command of any day at once: nothing detected, the DCO completed. */
async function startWorkers(bus: InMemoryMessageBus, clock: Clock, handled: AnyMessage[], answerDco = true) {
  await bus.subscribe({
    group: 'workers',
    types: ['DetectChanges', 'RunDco'] as MessageType[],
    handler: async (command) => {
      handled.push(command);
      const day = (command.data as { day: string }).day;
      if (command.type === 'RunDco' && !answerDco) return {};
      const answer =
        command.type === 'DetectChanges'
          ? createMessage(
              'ChangesDetected',
              { day, changes: [], sources: [] },
              { runId: command.runId, producer: 'detector', causedBy: command },
              { clock, ids },
            )
          : createMessage(
              'DcoCompleted',
              { ...FIXTURE_DATA.DcoCompleted, day, offeringId: `offering-${day}` },
              { runId: command.runId, producer: 'dco-runner', causedBy: command },
              { clock, ids },
            );
      return { messages: [answer as AnyMessage] };
    },
  });
}

/** A bus with the saga subscribed and the answering workers: what each test starts from, on the 26th at 06:00. */
async function sagaOn(policy: RunPolicy = DEFAULT_POLICY, answerDco = true) {
  const bus = new InMemoryMessageBus();
  const clock = new TestClock(new Date('2026-11-26T06:00:00.000Z'));
  const orchestrator = orchestratorOn(bus, clock, policy);
  await bus.subscribe({
    group: 'orchestrator',
    types: SAGA_INPUT_TYPES,
    handler: async (m) => orchestrator.handler.handle(m),
  });
  const handled: AnyMessage[] = [];
  await startWorkers(bus, clock, handled, answerDco);
  return { bus, clock, orchestrator, handled };
}

const tickOf = (day: string, trigger: 'schedule' | 'catch-up', clock: Clock) =>
  createMessage(
    'DailyTick',
    { day, trigger, scheduledAt: `${day}T06:00:00.000Z` },
    { runId: `dco-${day}`, producer: 'scheduler' },
    { clock, ids },
  );
const dayOf = (m: AnyMessage) => (m.data as { day: string }).day;

describe('every missed day through the saga (ADR 0023)', () => {
  it('after three days down, runs each missed day in order, one after the other, each DCO once, then the day', async () => {
    const { bus, clock, orchestrator, handled } = await sagaOn();
    await bus.publish(tickOf('2026-11-26', 'schedule', clock));
    await bus.broker.idle();

    // Down from the 27th to the 30th; the scheduler's start publishes the late tick of the 30th, twice (two replicas).
    clock.time = new Date('2026-11-30T08:15:00.000Z');
    await bus.publish(tickOf('2026-11-30', 'catch-up', clock), tickOf('2026-11-30', 'catch-up', clock));
    await bus.broker.idle();

    const days = ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'];
    // Strictly one day after the other: a day's detection starts only after the previous day's DCO.
    expect(handled.slice(2).map((m) => `${m.type}:${dayOf(m)}`)).toEqual(
      days.flatMap((day) => [`DetectChanges:${day}`, `RunDco:${day}`]),
    );
    const completed = bus.broker.records('RunCompleted').map((r) => (JSON.parse(String(r.value)) as AnyMessage).runId);
    // Once each (the topic's partitions do not keep an order across runs: the order is the one of the commands above).
    expect(completed.sort()).toEqual(['dco-2026-11-26', ...days.map((day) => `dco-${day}`)]);
    expect(orchestrator.registry.all().map((run) => [run.runId, run.trigger, run.status])).toEqual(
      expect.arrayContaining([
        ['dco-2026-11-27', 'catch-up', 'Completed'],
        ['dco-2026-11-29', 'catch-up', 'Completed'],
        ['dco-2026-11-30', 'catch-up', 'Completed'],
      ]),
    );
    expect(orchestrator.handler.rejectedCounts).toEqual({ 'SAGA.DUPLICATE_START': 1 });
    const requests = bus.broker.records('RunRequested').map((r) => JSON.parse(String(r.value)) as AnyMessage);
    expect(requests.map((m) => [m.runId, m.producer, (m.data as { requestedBy: string }).requestedBy]).sort()).toEqual(
      days.map((day) => [`dco-${day}`, 'orchestrator', CATCH_UP_REQUESTER]),
    );
  });

  it('a restarted orchestrator carries the catch-up on from the store alone', async () => {
    const { bus, clock, orchestrator: first, handled } = await sagaOn(DEFAULT_POLICY, false);
    // The 26th ran (its DCO answered by hand below), then two days down.
    await bus.publish(tickOf('2026-11-26', 'schedule', clock));
    await bus.broker.idle();
    const dco26 = handled.find((m) => m.type === 'RunDco') as AnyMessage;
    await bus.publish(
      createMessage(
        'DcoCompleted',
        FIXTURE_DATA.DcoCompleted,
        { runId: 'dco-2026-11-26', producer: 'dco-runner', causedBy: dco26 },
        { clock, ids },
      ),
    );
    clock.time = new Date('2026-11-29T07:00:00.000Z');
    await bus.publish(tickOf('2026-11-29', 'catch-up', clock));
    await bus.broker.idle();
    // The 27th's DCO is in flight when the process dies.
    expect(first.registry.get('dco-2026-11-27')?.status).toBe('RunningDco');
    expect(first.registry.get('dco-2026-11-29')?.status).toBe('Queued');

    const second = orchestratorOn(bus, clock);
    second.registry.load(await second.store.loadAll());
    const dco27 = handled.filter((m) => m.type === 'RunDco').find((m) => m.runId === 'dco-2026-11-27') as AnyMessage;
    const output = second.handler.handle(
      createMessage(
        'DcoCompleted',
        { ...FIXTURE_DATA.DcoCompleted, day: '2026-11-27' },
        { runId: 'dco-2026-11-27', producer: 'dco-runner', causedBy: dco27 },
        { clock, ids },
      ),
    );
    // The 27th ends and, in the same commit, the 28th is requested: the next missed day, not the queued 29th.
    expect(output.messages?.map((m) => `${m.type}:${m.runId}`)).toEqual([
      'RunCompleted:dco-2026-11-27',
      'RunRequested:dco-2026-11-28',
      'AuditRecorded:dco-2026-11-27',
      'AuditRecorded:dco-2026-11-27',
    ]);
  });

  it('beyond the cap, nothing runs until an operator grants it; then the missed days run, oldest first', async () => {
    const { bus, clock, orchestrator, handled } = await sagaOn({
      ...DEFAULT_POLICY,
      catchUp: { policy: 'all', maxDays: 2 },
    });
    await bus.publish(tickOf('2026-11-26', 'schedule', clock));
    await bus.broker.idle();
    clock.time = new Date('2026-11-30T08:15:00.000Z');
    await bus.publish(tickOf('2026-11-30', 'catch-up', clock));
    await bus.broker.idle();
    const run = orchestrator.registry.get('dco-2026-11-30');
    expect(run?.status).toBe('AwaitingApproval');
    expect(handled).toHaveLength(2);
    await bus.publish(
      createMessage(
        'ApprovalGranted',
        { by: 'alice', reason: 'month end needs every day' },
        { runId: 'dco-2026-11-30', producer: 'cli', causedBy: { eventId: run?.pending?.commandId as string } },
        { clock, ids },
      ),
    );
    await bus.broker.idle();
    expect(
      handled
        .slice(2)
        .filter((m) => m.type === 'RunDco')
        .map(dayOf),
    ).toEqual(['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30']);
  });
});
