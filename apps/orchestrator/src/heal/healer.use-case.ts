// The healer (ADR 0033): each check probes for the known faults, decides by the table and acts, alerts, or refuses,
// writing every decision but a hold to the audit trail. Probes and actions are ports; the decisions are pure.
import { AlertSeverity, Clock, CodedError, IdGenerator, createMessage } from '@dco/contracts';
import { EcsServices } from '@dco/aws';
import { ConsumerGroupOffsets, DeadLetterQueue, HEADERS, MessageBus } from '@dco/messaging';
import { ConnectionPointerStore } from '@dco/neo4j';
import { AlertPublisher, DcoMetrics } from '@dco/observability';
import { RunState } from '@dco/saga';
import {
  Detection,
  HEAL_RULES,
  HealAction,
  HealAlertCause,
  HealDecision,
  HealFault,
  backOffMs,
  decideHeal,
} from './domain/heal-decision';
import {
  DeadLetterFacts,
  GroupSample,
  ecsServiceUnhealthy,
  failedBack,
  fixedDeadLetters,
  keepSamples,
  lagOf,
  pointerAtLostServer,
  stuckSince,
} from './domain/fault-detection';
import { HEAL_AUDIT_SEQ_BASE, auditPlace, dcoRunningIn } from './heal-audit';
import { HealApprovals } from './heal-approvals';
import { HealSettings } from './heal.config';
import { Reachability } from './reachability.port';

export const HEALER_ACTOR = 'orchestrator/healer';

export interface HealerDeps {
  settings: HealSettings;
  ecs: EcsServices;
  cluster: string;
  groups: ConsumerGroupOffsets;
  deadLetters: DeadLetterQueue;
  /** Absent where the profile keeps no pointer the healer may write. */
  pointer?: ConnectionPointerStore;
  neo4j: Reachability;
  broker: Reachability;
  /** `host:port[,host:port]`, as KAFKA_BROKERS. */
  brokers: string;
  /** Where audit entries and alerts go while the broker answers. */
  bus: MessageBus;
  /** Where alerts go while it does not (EventBridge directly). */
  alerts: AlertPublisher;
  /** The saga's runs: a DCO in progress is read from them. */
  runs: () => RunState[];
  approvals: HealApprovals;
  clock: Clock;
  ids: IdGenerator;
  metrics?: DcoMetrics;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** One decision of a check, as the specs and the log see it. */
export interface HealRecord {
  fault: HealFault;
  target: string;
  decision: HealDecision['kind'];
  summary: string;
  code?: string;
}

type Pending = ReturnType<typeof createMessage<'AuditRecorded'>>;

interface Spell {
  seenSince: Date;
  lastAt?: Date;
  attempts: number;
  /** The last refusal recorded: repeated each cooldown, not each check, while the DCO runs. */
  refusedAt?: Date;
}

/** Audit entries kept while the broker is unreachable; older ones are dropped (their alerts went out). */
const MAX_UNPUBLISHED = 1_000;

export class Healer {
  private readonly spells = new Map<string, Spell>();
  private readonly samples = new Map<string, GroupSample[]>();
  private readonly redriven = new Set<string>();
  /** Audit entries written while the broker was unreachable, published once it answers. */
  private readonly unpublished: Pending[] = [];
  private brokerFailures = 0;
  private pausedUntil = 0;
  private seq = 0;

  constructor(private readonly deps: HealerDeps) {}

  /** One check of every fault; returns what was decided (holds and ignored faults excluded). */
  async check(): Promise<HealRecord[]> {
    const now = this.deps.clock.now();
    if (now.getTime() < this.pausedUntil) return [];
    const records: HealRecord[] = [];
    if (!(await this.deps.broker.reachable(this.deps.brokers))) {
      this.brokerFailures += 1;
      const detection: Detection = {
        fault: 'broker-unreachable',
        target: this.deps.brokers,
        detail: `none of ${this.deps.brokers} accepts a connection (${this.brokerFailures} checks in a row)`,
      };
      await this.handle(detection, now, records, false);
      this.seen(new Set([key(detection)]), 'broker-unreachable');
      return records;
    }
    this.brokerFailures = 0;
    this.seen(new Set(), 'broker-unreachable');
    await this.flushUnpublished();

    const detections = [
      ...(await this.probe('ecs-unhealthy', () => this.unhealthyServices())),
      ...(await this.probe('consumer-stuck', () => this.stuckGroups(now))),
      ...(await this.probe('dead-letters', () => this.fixedDeadLetters())),
      ...(await this.probe('neo4j-pointer', () => this.lostPointer())),
    ];
    for (const detection of detections) await this.handle(detection, now, records, true);
    return records;
  }

  /** Runs one fault's probe unless its policy is off; a probe that fails is logged and retried on the next check. */
  private async probe(fault: HealFault, find: () => Promise<Detection[]>): Promise<Detection[]> {
    if (this.deps.settings.policies[fault] === 'off') return [];
    try {
      const found = await find();
      this.seen(new Set(found.map(key)), fault);
      return found;
    } catch (error) {
      this.deps.log?.('warn', `heal ${fault}: the probe failed: ${messageOf(error)}`);
      return [];
    }
  }

  /** Forgets the spells of a fault's targets no longer seen: the fault cleared, and its attempts count again from 0. */
  private seen(keys: Set<string>, fault: HealFault): void {
    for (const spell of [...this.spells.keys()])
      if (spell.startsWith(`${fault}|`) && !keys.has(spell)) this.spells.delete(spell);
  }

  private async unhealthyServices(): Promise<Detection[]> {
    const found: Detection[] = [];
    for (const service of this.deps.settings.services) {
      const detail = ecsServiceUnhealthy(await this.deps.ecs.describeService(this.deps.cluster, service));
      if (detail) found.push({ fault: 'ecs-unhealthy', target: service, detail: `${service}: ${detail}` });
    }
    return found;
  }

  private async stuckGroups(now: Date): Promise<Detection[]> {
    const found: Detection[] = [];
    for (const { group, types } of this.deps.settings.groups) {
      const offsets = await this.deps.groups.offsets(group, types);
      const sample: GroupSample = { at: now, partitions: offsets.map((p) => ({ ...p, topic: p.type })) };
      const kept = keepSamples([...(this.samples.get(group) ?? []), sample], this.deps.settings.stuckMs * 2);
      this.samples.set(group, kept);
      const since = stuckSince(kept, this.deps.settings.stuckMs);
      if (since)
        found.push({
          fault: 'consumer-stuck',
          target: group,
          detail: `${group} committed nothing since ${since.at.toISOString()} while its lag grew ${lagOf(since)} -> ${lagOf(sample)}`,
        });
    }
    return found;
  }

  private async fixedDeadLetters(): Promise<Detection[]> {
    const found: Detection[] = [];
    for (const { type, group } of this.deps.settings.deadLetterTypes) {
      const fixed = await this.fixedOf(type, group);
      if (fixed.length > 0)
        found.push({
          fault: 'dead-letters',
          target: type,
          detail: `${fixed.length} dead letter(s) of ${type} (${fixed.map(positionOf).join(', ')}) after which ${group} handled ${type} again`,
        });
    }
    return found;
  }

  /** The dead letters of a type whose cause is fixed, read afresh (the probe's and the action's view are the same). */
  private async fixedOf(type: string, group: string): Promise<DeadLetterFacts[]> {
    const entries = await this.deps.deadLetters.list(type);
    if (entries.length === 0) return [];
    const facts: DeadLetterFacts[] = entries.map((entry) => ({
      position: `${type}@${entry.partition}:${entry.offset}`,
      code: entry.code,
      truncated: !!entry.truncated,
      originalPartition: numberOf(entry.headers[HEADERS.dlqOriginalPartition]),
      originalOffset: numberOf(entry.headers[HEADERS.dlqOriginalOffset]),
    }));
    const offsets = await this.deps.groups.offsets(group, [type]);
    return fixedDeadLetters(facts, offsets, this.deps.settings.redriveCodes, this.redriven);
  }

  private async lostPointer(): Promise<Detection[]> {
    const pointer = await this.deps.pointer?.read();
    if (!pointer?.previous) return [];
    const [current, previous] = await Promise.all([
      this.deps.neo4j.reachable(pointer.current.boltUri),
      this.deps.neo4j.reachable(pointer.previous.boltUri),
    ]);
    if (!pointerAtLostServer(pointer, current, previous)) return [];
    return [
      {
        fault: 'neo4j-pointer',
        target: this.deps.pointer?.location ?? 'pointer',
        detail: `the pointer names ${pointer.current.instanceId} (${pointer.current.boltUri}), which does not answer; the previous server ${pointer.previous.instanceId} (${pointer.previous.boltUri}) does`,
        seenVersion: pointer.generation,
      },
    ];
  }

  private async handle(detection: Detection, now: Date, records: HealRecord[], brokerUp: boolean): Promise<void> {
    const spellKey = key(detection);
    const spell = this.spells.get(spellKey) ?? { seenSince: now, attempts: 0 };
    this.spells.set(spellKey, spell);
    const dco = dcoRunningIn(this.deps.runs());
    const approval = this.deps.approvals.peek(detection.fault, detection.target);
    const policy = this.deps.settings.policies[detection.fault];
    // Backing off is paced by its own pause, not by the cooldown; an unreachable broker under `alert` is.
    const paced = detection.fault === 'broker-unreachable' && policy === 'act';
    const decision = decideHeal(detection, policy, {
      now,
      seenSince: spell.seenSince,
      graceMs: detection.fault === 'broker-unreachable' ? 0 : this.deps.settings.graceMs,
      ...(dco ? { dcoRunning: { runId: dco.runId } } : {}),
      approved: !!approval,
      ...(spell.lastAt ? { lastAction: { at: spell.lastAt, attempts: spell.attempts } } : {}),
      cooldownMs: paced ? 0 : this.deps.settings.cooldownMs,
      maxAttempts: this.deps.settings.maxAttempts,
    });
    if (decision.kind === 'ignore' || decision.kind === 'hold') return;
    if (decision.kind === 'refuse') {
      // No cooldown for the action: it follows at the first check after the DCO.
      if (spell.refusedAt && now.getTime() - spell.refusedAt.getTime() < this.deps.settings.cooldownMs) return;
      spell.refusedAt = now;
    } else spell.lastAt = now;
    const rule = HEAL_RULES[detection.fault];
    const { runId, version } = auditPlace(this.deps.runs(), now);
    let record: HealRecord;
    let alert: { cause: HealAlertCause | 'HEAL_FAILED'; severity: AlertSeverity } | undefined;
    if (decision.kind === 'alert') {
      record = { ...base(detection, 'alert'), summary: `alert only (${decision.reason}): ${detection.detail}` };
      alert = { cause: decision.cause, severity: decision.cause === 'HEAL_EXHAUSTED' ? 'critical' : rule.severity };
    } else if (decision.kind === 'refuse') {
      record = {
        ...base(detection, 'refuse'),
        code: decision.code,
        summary: `refused ${rule.action} during the DCO of ${decision.runId} without an operator's approval: ${detection.detail}`,
      };
      alert = { cause: decision.cause, severity: 'critical' };
    } else {
      spell.attempts += 1;
      const used = dco && rule.disturbsDco ? this.deps.approvals.use(detection.fault, detection.target) : undefined;
      try {
        const done = await this.act(decision.action, detection, now, spell.attempts);
        record = {
          ...base(detection, 'act'),
          summary: `${rule.action}: ${done} (${detection.detail})${used ? `, approved by ${used.actor}: ${used.reason}` : ''}`,
        };
        if (decision.alert) alert = { cause: decision.alert, severity: rule.severity };
      } catch (error) {
        record = {
          ...base(detection, 'act'),
          decision: 'act',
          code: 'HEAL.ACTION_FAILED',
          summary: `${rule.action} failed: ${messageOf(error)} (${detection.detail})`,
        };
        alert = { cause: 'HEAL_FAILED', severity: 'critical' };
      }
    }
    records.push(record);
    this.deps.metrics?.healDecisions.inc({
      fault: detection.fault,
      decision: record.code === 'HEAL.ACTION_FAILED' ? 'action-failed' : record.decision,
    });
    this.deps.log?.(
      record.decision === 'act' && !record.code ? 'info' : 'warn',
      `heal ${detection.fault} ${detection.target}: ${record.summary}`,
    );
    const entry = createMessage(
      'AuditRecorded',
      {
        kind: record.decision === 'refuse' ? 'heal-refused' : 'heal',
        actor: HEALER_ACTOR,
        summary: record.summary.slice(0, 1000),
        cause: detection.fault,
        version,
        seq: HEAL_AUDIT_SEQ_BASE + (this.seq++ % 1_000_000),
        reason: `runbook ${rule.runbook}`,
        ...(record.code ? { code: record.code } : {}),
      },
      { runId, producer: 'orchestrator' },
      { clock: this.deps.clock, ids: this.deps.ids },
    );
    if (alert) await this.raise(detection, alert, record.summary, runId, brokerUp);
    if (brokerUp) await this.deps.bus.publish(entry);
    else if (this.unpublished.push(entry) > MAX_UNPUBLISHED) this.unpublished.shift();
  }

  /** Takes the action; returns what it did, in a few words for the audit entry. */
  private async act(action: HealAction, detection: Detection, now: Date, attempts: number): Promise<string> {
    switch (action) {
      case 'redeploy':
      case 'restart': {
        const service =
          action === 'restart'
            ? (this.deps.settings.groups.find((g) => g.group === detection.target)?.service ?? detection.target)
            : detection.target;
        const status = await this.deps.ecs.updateService({
          cluster: this.deps.cluster,
          serviceName: service,
          forceNewDeployment: true,
        });
        return `new deployment ${status.deployments[0]?.id ?? '?'} of ${service} on ${this.deps.cluster}`;
      }
      case 'redrive': {
        const type = detection.target;
        const group = this.deps.settings.deadLetterTypes.find((t) => t.type === type)?.group ?? '';
        const positions = (await this.fixedOf(type, group)).map(positionOf);
        const redriven = positions.length > 0 ? await this.deps.deadLetters.redrive(type, { positions }) : [];
        for (const entry of redriven) this.redriven.add(`${type}@${entry.partition}:${entry.offset}`);
        return `re-drove ${redriven.length} dead letter(s) to ${type}`;
      }
      case 'fail-back': {
        const store = this.deps.pointer;
        const pointer = await store?.read();
        if (!store || !pointer?.previous) throw new Error('the pointer has no previous server any more');
        // Read again just before the write: failing back a pointer that a migration or a rollback has moved since the
        // fault was seen would undo that switch, onto a server nobody checked. The store has no compare-and-set (an SSM
        // parameter has none), so a switch landing between this read and the write below is still not caught.
        if (pointer.generation !== detection.seenVersion)
          throw new CodedError(
            'HEAL.TARGET_CHANGED',
            `the pointer moved from generation ${detection.seenVersion} to ${pointer.generation} (now ${pointer.current.instanceId}) since the fault was seen; not failing back`,
          );
        const next = failedBack(pointer, now);
        await store.write(next);
        return `the pointer names ${next.current.instanceId} again (generation ${next.generation})`;
      }
      case 'back-off': {
        const pause = backOffMs(attempts, this.deps.settings.intervalMs, this.deps.settings.backOffMaxMs);
        this.pausedUntil = now.getTime() + pause;
        return `the healer pauses ${pause} ms before its next check`;
      }
    }
  }

  private async raise(
    detection: Detection,
    alert: { cause: string; severity: AlertSeverity },
    summary: string,
    runId: string,
    brokerUp: boolean,
  ): Promise<void> {
    const message = createMessage(
      'AlertRaised',
      {
        severity: alert.severity,
        cause: alert.cause,
        dedupeKey: `heal:${detection.fault}:${detection.target}:${alert.cause}`.slice(0, 300),
        summary: summary.slice(0, 500),
        detail: `runbook ${HEAL_RULES[detection.fault].runbook}`,
      },
      { runId, producer: 'orchestrator' },
      { clock: this.deps.clock, ids: this.deps.ids },
    );
    // The bus is the broker: while it does not answer, the alert goes to EventBridge directly.
    if (brokerUp) await this.deps.bus.publish(message);
    else await this.deps.alerts.publish(message);
  }

  private async flushUnpublished(): Promise<void> {
    while (this.unpublished.length > 0) {
      await this.deps.bus.publish(this.unpublished[0]);
      this.unpublished.shift();
    }
  }
}

const key = (detection: Detection) => `${detection.fault}|${detection.target}`;
const base = (detection: Detection, decision: HealRecord['decision']) => ({
  fault: detection.fault,
  target: detection.target,
  decision,
});
/** `partition:offset` in the `.dlq` topic, as `dco dlq list` shows it. */
const positionOf = (facts: DeadLetterFacts) => facts.position.split('@')[1];
const numberOf = (value: string | undefined) => (value === undefined ? undefined : Number(value));
/** The error's message, after its code when it has one (an entry then names why, e.g. HEAL.TARGET_CHANGED). */
const messageOf = (error: unknown) =>
  error instanceof CodedError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
