// Turns each consumed message into the saga's decision: the next state, its snapshot record and the commands to send,
// returned to the bus so that all of them commit atomically with the consumed offset.
import { AnyMessage, Clock, IdGenerator, createMessage, dayOfRunId } from '@dco/contracts';
import { HandlerOutput } from '@dco/messaging';
import {
  LoadForecast,
  RunPolicy,
  SagaRejection,
  auditEntriesOf,
  catchUpRequestOf,
  decide,
  isTerminal,
  nextCatchUpRun,
} from '@dco/saga';
import { RunRegistry } from './run-registry';
import { SagaStore } from './saga-store.port';

export interface RejectedMessage {
  eventId: string;
  type: string;
  runId: string;
  code: SagaRejection['code'];
  message: string;
  at: string;
}

/**
 * How many handled inputs are remembered for redelivery after an aborted (not crashed) transaction, at least; it must
 * cover every input the bus may hold uncommitted at once (`maxUncommittedRecords`: a chunk per partition in flight).
 */
export const DEFAULT_REMEMBERED_OUTPUTS = 5_000;

export class SagaHandler {
  /**
   * Outputs by input eventId. The bus may abort a transaction (a broker restart) and deliver the same inputs again
   * while this process lives on with states already advanced; answering a redelivery with the same outputs (same
   * event ids, same snapshot) keeps the commit exactly what it would have been. After a crash the map is empty and
   * the states come from the store, which holds only what committed.
   */
  private readonly applied = new Map<string, HandlerOutput>();
  private readonly rejectedLog: RejectedMessage[] = [];
  readonly rejectedCounts: Record<string, number> = {};
  accepted = 0;

  constructor(
    private readonly registry: RunRegistry,
    private readonly store: SagaStore,
    private readonly policy: RunPolicy,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log: (line: Record<string, unknown>) => void = () => undefined,
    private readonly rememberedOutputs = DEFAULT_REMEMBERED_OUTPUTS,
    /** The load forecast update windows are chosen from (ADR 0027); none: the forecast policy applies at once. */
    private readonly loadForecast: () => LoadForecast | undefined = () => undefined,
  ) {}

  handle(message: AnyMessage): HandlerOutput {
    const remembered = this.applied.get(message.eventId);
    if (remembered) return remembered;
    const state = this.registry.get(message.runId);
    const day = this.registry.dayContext(dayOfRunId(message.runId), message.runId);
    const decision = decide(state, message, {
      now: this.clock.now(),
      ids: this.ids,
      policy: this.policy,
      day,
      loadForecast: this.loadForecast(),
    });
    if (!decision.ok) {
      this.reject(message, decision.rejection);
      if (message.type === 'RunRequested') this.registry.release(message.runId);
      return {};
    }
    this.registry.put(decision.state);
    const messages = [...decision.messages];
    // A run that ended or was queued may let the next day of a catch-up start (ADR 0023): its request commits with this.
    const ended = isTerminal(decision.state.status) && !(state && isTerminal(state.status));
    const queued = decision.state.status === 'Queued' && state?.status !== 'Queued';
    const next = ended || queued ? nextCatchUpRun(this.registry.all()) : undefined;
    if (next) messages.push(catchUpRequestOf(next, message, this.clock.now(), this.ids));
    // The audit trail commits with the state it describes (ADR 0028): no entry without its transition, and none lost.
    const audit = auditEntriesOf(message, state, decision.state, messages).map((entry) =>
      createMessage(
        'AuditRecorded',
        entry,
        { runId: message.runId, producer: 'orchestrator', causedBy: message },
        { clock: this.clock, ids: this.ids },
      ),
    );
    const output: HandlerOutput = {
      messages: [...messages, ...audit],
      records: [this.store.recordOf(decision.state)],
    };
    this.remember(message.eventId, output);
    this.accepted += 1;
    // The handling itself at debug; what it changed is the audit trail's, at info.
    this.log({
      level: 'debug',
      msg: `${message.type} -> ${decision.state.status}`,
      runId: message.runId,
      eventId: message.eventId,
      sent: messages.map((m) => m.type),
    });
    for (const entry of audit)
      this.log({
        level: 'info',
        msg: `audit ${entry.data.kind}: ${entry.data.summary}`,
        runId: message.runId,
        audit: entry.data,
      });
    return output;
  }

  /** Forgets the remembered outputs: the states were reloaded from the store, which holds only what committed. */
  forget(): void {
    this.applied.clear();
  }

  /** The latest rejected messages, newest last. */
  get rejected(): readonly RejectedMessage[] {
    return this.rejectedLog;
  }

  private reject(message: AnyMessage, rejection: SagaRejection): void {
    this.rejectedCounts[rejection.code] = (this.rejectedCounts[rejection.code] ?? 0) + 1;
    this.rejectedLog.push({
      eventId: message.eventId,
      type: message.type,
      runId: message.runId,
      ...rejection,
      at: this.clock.now().toISOString(),
    });
    if (this.rejectedLog.length > 200) this.rejectedLog.shift();
    this.log({
      level: 'warn',
      msg: `rejected ${message.type}: ${rejection.message}`,
      code: rejection.code,
      runId: message.runId,
      eventId: message.eventId,
    });
  }

  private remember(eventId: string, output: HandlerOutput): void {
    this.applied.set(eventId, output);
    if (this.applied.size > this.rememberedOutputs) this.applied.delete(this.applied.keys().next().value as string);
  }
}
