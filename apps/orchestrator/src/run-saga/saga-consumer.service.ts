// Runs the saga inside the orchestrator. A standby follows the committed states; the lease holder fences its
// predecessor, rebuilds every run from the SagaStore, then consumes the saga's inputs and runs the step timer (ADR 0004).
// On losing the lease it stops both at once; on shutdown it lets the in-flight message commit, then leaves the lease.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  LoggerService,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock, IdGenerator } from '@dco/contracts';
import { KafkaMessageBus, MessageBus, SubscriptionHandle, maxUncommittedRecords } from '@dco/messaging';
import { CLOCK, HealthRegistry, ID_GENERATOR, MESSAGE_BUS } from '@dco/platform';
import { RunPolicy, SAGA_INPUT_TYPES, SAGA_OUTPUT_TYPES, isTerminal } from '@dco/saga';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from '../orchestrator.config';
import { RunRegistry } from './run-registry';
import { DEFAULT_REMEMBERED_OUTPUTS, SagaHandler } from './saga.handler';
import { SAGA_STORE, SagaFollower, SagaStore } from './saga-store.port';
import { Leadership } from '../leadership/leadership';
import { ORCHESTRATOR_LEASE, OrchestratorLease } from '../leadership/orchestrator-lease';
import { StepTimer } from './step-timer';
import { LoadForecastService } from '../update-window/load-forecast.service';

export const RUN_POLICY = Symbol('RunPolicy');

/** The saga's consumer group (before the namespace); its transactional id is exclusive to the lease holder. */
export const SAGA_GROUP = 'orchestrator';

/**
 * A saga log line as structured fields (msg plus its fields, never JSON inside the message): the logger's redaction
 * paths then reach every field, and log pipelines can query them.
 */
export function writeSagaLog(
  logger: Pick<LoggerService, 'error' | 'warn' | 'log' | 'debug'>,
  line: Record<string, unknown>,
): void {
  const { level, ...fields } = line;
  const entry = { ...fields, msg: String(fields.msg ?? '') };
  if (level === 'error') logger.error(entry);
  else if (level === 'warn') logger.warn(entry);
  else if (level === 'info') logger.log(entry);
  else logger.debug?.(entry);
}

@Injectable()
export class SagaConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Saga');
  private subscription?: SubscriptionHandle;
  readonly handler: SagaHandler;
  private readonly timer: StepTimer;
  private ready = false;
  private stopping = false;
  /** Could not become active (fence or load failed past its timeout): unhealthy until restarted. */
  private failed = false;
  private follower?: SagaFollower;
  /** Lease changes, applied one after the other. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SAGA_STORE) private readonly store: SagaStore,
    @Inject(RUN_POLICY) policy: RunPolicy,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly registry: RunRegistry,
    private readonly health: HealthRegistry,
    private readonly leadership: Leadership,
    @Inject(ORCHESTRATOR_LEASE) private readonly lease: OrchestratorLease,
    forecasts: LoadForecastService,
  ) {
    const log = (line: Record<string, unknown>) => writeSagaLog(this.logger, line);
    // Redeliveries after an aborted commit are answered from memory: remember every input the bus may hold uncommitted.
    const remembered = Math.max(
      DEFAULT_REMEMBERED_OUTPUTS,
      2 * maxUncommittedRecords({ partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY }),
    );
    this.handler = new SagaHandler(registry, store, policy, clock, ids, log, remembered, () => forecasts.current());
    this.timer = new StepTimer(registry, bus, clock, ids, config.SAGA_TIMER_INTERVAL_MS, log);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({
      name: 'saga',
      check: () => {
        const runs = this.registry.all();
        return {
          ok: this.ready && !this.failed,
          detail: {
            role: this.leadership.role,
            runs: runs.length,
            active: runs.filter((run) => !isTerminal(run.status)).length,
            accepted: this.handler.accepted,
            rejected: this.handler.rejectedCounts,
          },
        };
      },
    });
    // Every topic the saga reads or writes exists before the first run, so that workers can subscribe to their commands.
    await this.withRetry('creating the saga topics', () =>
      this.bus.ensureTopics([...SAGA_INPUT_TYPES, ...SAGA_OUTPUT_TYPES, 'AuditRecorded']),
    );
    // A standby until the lease says otherwise: it follows the committed states and serves them to the API.
    if (this.store.follow) await this.follow();
    await this.lease.start((held) => {
      this.transitions = this.transitions
        .then(() => (held ? this.activate() : this.standDown()))
        .catch((error: unknown) => this.logger.error(`lease transition failed: ${(error as Error).message}`));
    });
    // In memory the lease is held at once: the process is active before the app reports started, as before.
    await this.transitions;
  }

  /**
   * Gained the lease. The order matters (ADR 0004): fence the predecessor first (its open transaction is aborted and it
   * can commit nothing more), only then read every run to the end (nothing is left behind an open transaction), then
   * consume and time steps.
   */
  private async activate(): Promise<void> {
    if (this.stopping) return;
    const started = Date.now();
    try {
      await this.follower?.stop();
      this.follower = undefined;
      const bus = this.bus;
      if (bus instanceof KafkaMessageBus)
        await this.withRetry('fencing the previous active orchestrator', () => bus.fenceExclusive(SAGA_GROUP));
      const states = await this.withRetry('reading the saga store', () => this.store.loadAll());
      this.registry.replace(states);
      this.handler.forget();
      if (this.stopping) return;
      this.subscription = await this.bus.subscribe({
        group: SAGA_GROUP,
        types: SAGA_INPUT_TYPES,
        handler: async (message) => this.handler.handle(message),
        exclusive: true,
      });
      this.timer.start();
      this.leadership.set('active');
      this.ready = true;
      this.logger.log(`active: rebuilt ${states.length} runs from the saga store in ${Date.now() - started} ms`);
    } catch (error) {
      // A holder that cannot run the saga gives the lease back, so that a standby takes over; /health stays unhealthy
      // (the liveness probe restarts the process, which then joins the lease group again).
      this.failed = true;
      this.ready = false;
      this.logger.error(`could not become the active orchestrator: ${(error as Error).message}`);
      await this.lease.stop().catch(() => undefined);
    }
  }

  /** Lost the lease: stop timing and consuming at once (the new active fenced this one's writes), follow again. */
  private async standDown(): Promise<void> {
    const wasActive = this.leadership.role === 'active';
    this.leadership.set('standby');
    await this.timer.stop();
    // Bounded: with the broker away (the usual reason to lose the lease) the in-flight commit may retry for long; the
    // next active's fence makes it fail anyway, and the lease must be free to come back here meanwhile.
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        subscription.stop().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, this.config.KAFKA_SESSION_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
    }
    if (wasActive) this.logger.warn('lost the lease: standby now');
    // Not waiting for the catch-up: a lease regained meanwhile is applied at once (it stops this follower first).
    if (!this.stopping && !this.failed && this.store.follow) await this.follow(false);
  }

  /** A standby's view: every committed state, then each committed change; ready once it caught up. */
  private async follow(untilCaughtUp = true): Promise<void> {
    const store = this.store;
    if (!store.follow) return;
    const follower = await this.withRetry('following the saga store', () =>
      store.follow!({
        replace: (states) => this.registry.replace(states),
        put: (state) => this.registry.put(state),
        remove: (runId) => this.registry.remove(runId),
        failed: (error) => {
          this.ready = false;
          this.logger.error(`standby stopped following: ${(error as Error).message}`);
        },
      }),
    );
    this.follower = follower;
    const caughtUp = follower.caughtUp.then(() => {
      if (this.follower === follower) this.ready = true;
    });
    if (untilCaughtUp) await caughtUp;
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
    this.stopping = true;
    this.ready = false;
    await this.timer.stop();
    await this.subscription?.stop();
    this.subscription = undefined;
    // Only after the in-flight message committed: leaving the lease group hands over at once.
    await this.lease.stop();
    await this.transitions;
    await this.follower?.stop();
    this.follower = undefined;
  }
}
