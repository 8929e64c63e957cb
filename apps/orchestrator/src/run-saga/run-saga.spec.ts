// The saga inside the orchestrator, on the in-memory bus: a whole run with scripted workers, a restart from the store,
// redelivery after an aborted commit, and the step timer.
import { AnyMessage, Clock, DataOf, FIXTURE_DATA, MessageType, createMessage } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { DEFAULT_POLICY, LoadForecast, RunPolicy, RunState, SAGA_INPUT_TYPES } from '@dco/saga';
import { InMemorySagaStore } from './in-memory-saga-store.adapter';
import { RunRegistry } from './run-registry';
import { SagaHandler } from './saga.handler';
import { StepTimer } from './step-timer';

const DAY = '2026-11-26';
const RUN = `dco-${DAY}`;

class TestClock implements Clock {
  constructor(public time = new Date('2026-11-26T06:00:00.000Z')) {}
  now(): Date {
    return this.time;
  }
}

let seq = 0;
const ids = { next: () => `10000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };

type Script = Partial<Record<MessageType, { type: MessageType; data: object } | null>>;

/** Answers each command like its worker would; null = consume and never answer. */
const HAPPY: Script = {
  DetectChanges: {
    type: 'ChangesDetected',
    data: {
      day: DAY,
      changes: [
        { kind: 'terraform-config', subject: 'infra', to: 'b', risk: 'low', reason: 'r' },
        { kind: 'neo4j-ami', subject: 'neo4j', from: '5.20.0', to: '5.26.19', risk: 'medium', reason: 'r' },
      ],
      sources: [],
    },
  },
  ApplyInfra: { type: 'InfraApplied', data: FIXTURE_DATA.InfraApplied },
  MigrateDb: { type: 'DbMigrated', data: FIXTURE_DATA.DbMigrated },
  RunDco: { type: 'DcoCompleted', data: FIXTURE_DATA.DcoCompleted },
  RollbackDb: { type: 'DbRolledBack', data: FIXTURE_DATA.DbRolledBack },
  RollbackInfra: { type: 'InfraRolledBack', data: FIXTURE_DATA.InfraRolledBack },
};

class Orchestrator {
  readonly registry = new RunRegistry();
  readonly store: InMemorySagaStore;
  readonly handler: SagaHandler;
  readonly timer: StepTimer;

  constructor(
    readonly bus: InMemoryMessageBus,
    readonly clock: TestClock,
    policy: RunPolicy = DEFAULT_POLICY,
    loadForecast?: LoadForecast,
  ) {
    this.store = new InMemorySagaStore(bus);
    this.handler = new SagaHandler(
      this.registry,
      this.store,
      policy,
      clock,
      ids,
      undefined,
      undefined,
      () => loadForecast,
    );
    this.timer = new StepTimer(this.registry, bus, clock, ids, 1_000);
  }

  async start(): Promise<void> {
    this.registry.load(await this.store.loadAll());
    await this.bus.subscribe({
      group: 'orchestrator',
      types: SAGA_INPUT_TYPES,
      handler: async (message) => this.handler.handle(message),
    });
  }
}

async function startWorkers(
  bus: InMemoryMessageBus,
  clock: Clock,
  script: Script,
  handled: AnyMessage[],
): Promise<void> {
  await bus.subscribe({
    group: 'workers',
    // Every worker command, whether or not this script answers it.
    types: Object.keys(HAPPY) as MessageType[],
    handler: async (command) => {
      handled.push(command);
      const answer = script[command.type];
      if (!answer) return {};
      return {
        messages: [
          createMessage(
            answer.type,
            answer.data as DataOf<MessageType>,
            { runId: command.runId, producer: 'detector', causedBy: command },
            { clock, ids },
          ),
        ],
      };
    },
  });
}

const tick = (clock: Clock) =>
  createMessage(
    'DailyTick',
    { day: DAY, trigger: 'schedule', scheduledAt: clock.now().toISOString() },
    { runId: RUN, producer: 'scheduler' },
    { clock, ids },
  );
const finals = (bus: InMemoryMessageBus) =>
  bus.broker.records('RunCompleted').length +
  bus.broker.records('RunCompletedAfterRollback').length +
  bus.broker.records('RunFailed').length;

describe('the saga in the orchestrator', () => {
  it('given the forecast policy and a quiet hour ahead, when the day ticks, then the run waits for its window and the step timer opens it', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    // From the 06:00 tick: busy, quiet at 07:00, busy at 08:00.
    const forecast = { from: clock.time.getTime(), stepMs: 3_600_000, values: [100, 40, 90] };
    const policy: RunPolicy = { ...DEFAULT_POLICY, updateWindow: { policy: 'forecast' } };
    const orchestrator = new Orchestrator(bus, clock, policy, forecast);
    const handled: AnyMessage[] = [];
    await orchestrator.start();
    await startWorkers(bus, clock, HAPPY, handled);

    await bus.publish(tick(clock));
    await bus.broker.idle();
    expect(orchestrator.registry.get(RUN)).toMatchObject({
      status: 'AwaitingWindow',
      updateWindow: { policy: 'forecast', reason: 'forecast', start: '2026-11-26T07:00:00.000Z' },
    });
    expect(await orchestrator.timer.tick()).toBe(0);

    clock.time = new Date('2026-11-26T07:00:00.000Z');
    expect(await orchestrator.timer.tick()).toBe(1);
    await bus.broker.idle();
    expect(handled.map((m) => m.type)).toEqual(['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco']);
    expect(orchestrator.registry.get(RUN)?.status).toBe('Completed');
  });

  it('given scripted workers, when the day ticks twice, then one run completes with a causation chain and its snapshot is stored', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const orchestrator = new Orchestrator(bus, clock);
    const handled: AnyMessage[] = [];
    await orchestrator.start();
    await startWorkers(bus, clock, HAPPY, handled);

    await bus.publish(tick(clock), tick(clock));
    await bus.broker.idle();

    expect(handled.map((m) => m.type)).toEqual(['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco']);
    expect(finals(bus)).toBe(1);
    expect(orchestrator.handler.rejectedCounts).toEqual({ 'SAGA.DUPLICATE_START': 1 });
    const stored = await orchestrator.store.loadAll();
    expect(stored).toEqual([orchestrator.registry.get(RUN)]);
    expect(stored[0].status).toBe('Completed');
    // Every command names the message that caused it, back to the tick.
    const all = [
      ...handled,
      ...bus.broker.records('RunCompleted').map((r) => JSON.parse(String(r.value)) as AnyMessage),
    ];
    for (const message of all) expect(message.causationId).toEqual(expect.any(String));
  });

  it('given a restart in the middle of a run, when the next outcome arrives, then the rebuilt saga carries on without repeating a command', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const first = new Orchestrator(bus, clock);
    await first.start();
    const handled: AnyMessage[] = [];
    // Workers answer nothing at first: the run waits in ApplyingInfra.
    await startWorkers(bus, clock, { DetectChanges: HAPPY.DetectChanges }, handled);
    await bus.publish(tick(clock));
    await bus.broker.idle();
    expect(first.registry.get(RUN)?.status).toBe('ApplyingInfra');

    // A second orchestrator process rebuilds from the store only.
    const second = new Orchestrator(bus, clock);
    second.registry.load(await second.store.loadAll());
    expect(second.registry.get(RUN)).toEqual(first.registry.get(RUN));
    const apply = handled.find((m) => m.type === 'ApplyInfra') as AnyMessage;
    const output = second.handler.handle(
      createMessage(
        'InfraApplied',
        FIXTURE_DATA.InfraApplied,
        { runId: RUN, producer: 'infra-deployer', causedBy: apply },
        { clock, ids },
      ),
    );
    // Beside its audit entries (ADR 0028), the one next command.
    expect(output.messages?.filter((m) => m.type !== 'AuditRecorded').map((m) => m.type)).toEqual(['MigrateDb']);
    expect(handled.filter((m) => m.type === 'ApplyInfra')).toHaveLength(1);
  });

  it('given a redelivery after an aborted commit, then the same outputs are produced again, with the same ids', () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const orchestrator = new Orchestrator(bus, clock);
    const message = tick(clock);
    const first = orchestrator.handler.handle(message);
    const again = orchestrator.handler.handle(message);
    expect(again).toEqual(first);
    // The audit entries too, with the same ids (the whole output is equal above).
    expect(first.messages?.map((m) => m.type)).toEqual([
      'RunStarted',
      'DetectChanges',
      'AuditRecorded',
      'AuditRecorded',
    ]);
    expect(orchestrator.handler.rejectedCounts).toEqual({});
  });

  it('given more redeliveries than the default memory after an aborted commit, then a handler sized for the bus still answers each identically', () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const registry = new RunRegistry();
    const uncommitted = 6_000; // e.g. 12 partitions in flight x 500 records per chunk
    const handler = new SagaHandler(
      registry,
      new InMemorySagaStore(bus),
      DEFAULT_POLICY,
      clock,
      ids,
      undefined,
      uncommitted,
    );
    const ticks = Array.from({ length: uncommitted }, (_, i) => {
      const day = new Date(Date.UTC(2061, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      return createMessage(
        'DailyTick',
        { day, trigger: 'schedule', scheduledAt: clock.now().toISOString() },
        { runId: `dco-${day}`, producer: 'scheduler' },
        { clock, ids },
      );
    });
    const first = ticks.map((message) => handler.handle(message));
    const again = ticks.map((message) => handler.handle(message));
    expect(again[0]).toEqual(first[0]);
    expect(again).toEqual(first);
    expect(handler.rejectedCounts).toEqual({});
  });

  it('given a step that never answers, when the timer passes its deadline, then StepTimedOut travels the bus and the run compensates', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const orchestrator = new Orchestrator(bus, clock);
    const handled: AnyMessage[] = [];
    await orchestrator.start();
    await startWorkers(bus, clock, { ...HAPPY, ApplyInfra: null }, handled);
    await bus.publish(tick(clock));
    await bus.broker.idle();
    expect(await orchestrator.timer.tick()).toBe(0);

    const pending = orchestrator.registry.get(RUN)?.pending;
    clock.time = new Date(Date.parse(pending?.deadline as string) + 1);
    expect(await orchestrator.timer.tick()).toBe(1);
    expect(await orchestrator.timer.tick()).toBe(0); // not republished right away
    await bus.broker.idle();

    expect(handled.map((m) => m.type)).toEqual(['DetectChanges', 'ApplyInfra', 'RollbackInfra', 'RunDco']);
    const run = orchestrator.registry.get(RUN) as RunState;
    expect(run.status).toBe('CompletedAfterRollback');
    expect(run.failure?.code).toBe('SAGA.STEP_TIMED_OUT');
  });

  it('given an outcome for an unknown run, then it is rejected with a code and nothing is stored', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock();
    const orchestrator = new Orchestrator(bus, clock);
    await orchestrator.start();
    await bus.publish(
      createMessage(
        'InfraApplied',
        FIXTURE_DATA.InfraApplied,
        { runId: 'dco-2026-01-01', producer: 'infra-deployer' },
        { clock, ids },
      ),
    );
    await bus.broker.idle();
    expect(orchestrator.handler.rejectedCounts).toEqual({ 'SAGA.UNKNOWN_RUN': 1 });
    expect(await orchestrator.store.loadAll()).toEqual([]);
  });
});
