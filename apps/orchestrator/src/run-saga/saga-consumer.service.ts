// Runs the saga inside the orchestrator: rebuilds every run from the SagaStore, then consumes the saga's inputs and
// starts the step timer; on shutdown it stops the timer and lets the in-flight message commit.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  LoggerService,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock, IdGenerator } from '@dco/contracts';
import { MessageBus, SubscriptionHandle, maxUncommittedRecords } from '@dco/messaging';
import { CLOCK, HealthRegistry, ID_GENERATOR, MESSAGE_BUS } from '@dco/platform';
import { RunPolicy, SAGA_INPUT_TYPES, SAGA_OUTPUT_TYPES, isTerminal } from '@dco/saga';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from '../orchestrator.config';
import { RunRegistry } from './run-registry';
import { DEFAULT_REMEMBERED_OUTPUTS, SagaHandler } from './saga.handler';
import { SAGA_STORE, SagaStore } from './saga-store.port';
import { StepTimer } from './step-timer';

export const RUN_POLICY = Symbol('RunPolicy');

/**
 * A saga log line as structured fields (msg plus its fields, never JSON inside the message): the logger's redaction
 * paths then reach every field, and log pipelines can query them.
 */
export function writeSagaLog(
  logger: Pick<LoggerService, 'error' | 'warn' | 'debug'>,
  line: Record<string, unknown>,
): void {
  const { level, ...fields } = line;
  const entry = { ...fields, msg: String(fields.msg ?? '') };
  if (level === 'error') logger.error(entry);
  else if (level === 'warn') logger.warn(entry);
  else logger.debug?.(entry);
}

@Injectable()
export class SagaConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Saga');
  private subscription?: SubscriptionHandle;
  readonly handler: SagaHandler;
  private readonly timer: StepTimer;
  private ready = false;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SAGA_STORE) private readonly store: SagaStore,
    @Inject(RUN_POLICY) policy: RunPolicy,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly registry: RunRegistry,
    private readonly health: HealthRegistry,
  ) {
    const log = (line: Record<string, unknown>) => writeSagaLog(this.logger, line);
    // Redeliveries after an aborted commit are answered from memory: remember every input the bus may hold uncommitted.
    const remembered = Math.max(
      DEFAULT_REMEMBERED_OUTPUTS,
      2 * maxUncommittedRecords({ partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY }),
    );
    this.handler = new SagaHandler(registry, store, policy, clock, ids, log, remembered);
    this.timer = new StepTimer(registry, bus, clock, ids, config.SAGA_TIMER_INTERVAL_MS, log);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({
      name: 'saga',
      check: () => {
        const runs = this.registry.all();
        return {
          ok: this.ready,
          detail: {
            runs: runs.length,
            active: runs.filter((run) => !isTerminal(run.status)).length,
            accepted: this.handler.accepted,
            rejected: this.handler.rejectedCounts,
          },
        };
      },
    });
    // Every run is known before the first input is read: a restart never starts a run twice or forgets one.
    const states = await this.withRetry('reading the saga store', () => this.store.loadAll());
    this.registry.load(states);
    this.logger.log(`rebuilt ${states.length} runs from the saga store`);
    // Every topic the saga reads or writes exists before the first run, so that workers can subscribe to their commands.
    await this.withRetry('creating the saga topics', () =>
      this.bus.ensureTopics([...SAGA_INPUT_TYPES, ...SAGA_OUTPUT_TYPES]),
    );
    this.subscription = await this.bus.subscribe({
      group: `${this.config.DCO_NAMESPACE}.orchestrator`,
      types: SAGA_INPUT_TYPES,
      handler: async (message) => this.handler.handle(message),
    });
    this.timer.start();
    this.ready = true;
  }

  /** A broker that is still electing leaders (just started, overloaded) is waited for; an unreadable snapshot is not. */
  private async withRetry<T>(what: string, action: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.config.SAGA_STATE_LOAD_TIMEOUT_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await action();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'SAGA.SNAPSHOT_UNREADABLE' || Date.now() > deadline) throw error;
        this.logger.warn(`${what} failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    await this.timer.stop();
    await this.subscription?.stop();
  }
}
