// The healer's decision table (ADR 0033): which known fault gets which runbook action, by policy, cooldown and the saga's state.

/** The faults the healer knows; each has one action and one runbook section. */
export const HEAL_FAULTS = [
  'ecs-unhealthy',
  'consumer-stuck',
  'dead-letters',
  'neo4j-pointer',
  'broker-unreachable',
] as const;
export type HealFault = (typeof HEAL_FAULTS)[number];

/** `act`: take the action (and alert where the table says so); `alert`: only alert; `off`: ignore the fault. */
export const HEAL_POLICIES = ['act', 'alert', 'off'] as const;
export type HealPolicy = (typeof HEAL_POLICIES)[number];

export type HealAction = 'redeploy' | 'restart' | 'redrive' | 'fail-back' | 'back-off';

export interface HealRule {
  action: HealAction;
  /** The runbook section an operator reads for this fault (docs/runbooks/self-healing.md). */
  runbook: string;
  /** An alert goes out even when the action succeeded: the fault itself needs a person (a lost server, a lost broker). */
  alwaysAlert: boolean;
  /** Whether the action may disturb a running DCO, and therefore needs an operator's approval during it. */
  disturbsDco: boolean;
  severity: 'warning' | 'critical';
}

export const HEAL_RULES: Readonly<Record<HealFault, HealRule>> = {
  'ecs-unhealthy': {
    action: 'redeploy',
    runbook: 'docs/runbooks/self-healing.md#an-ecs-service-is-unhealthy',
    alwaysAlert: false,
    disturbsDco: true,
    severity: 'warning',
  },
  'consumer-stuck': {
    action: 'restart',
    runbook: 'docs/runbooks/self-healing.md#a-consumer-group-is-stuck',
    alwaysAlert: false,
    disturbsDco: true,
    severity: 'warning',
  },
  'dead-letters': {
    action: 'redrive',
    runbook: 'docs/runbooks/self-healing.md#dead-letters-whose-cause-is-fixed',
    alwaysAlert: false,
    disturbsDco: true,
    severity: 'warning',
  },
  'neo4j-pointer': {
    action: 'fail-back',
    runbook: 'docs/runbooks/self-healing.md#the-neo4j-pointer-names-an-unreachable-server',
    alwaysAlert: true,
    disturbsDco: true,
    severity: 'critical',
  },
  // Backing off only pauses the healer's own work: nothing a DCO depends on changes, so it needs no approval.
  'broker-unreachable': {
    action: 'back-off',
    runbook: 'docs/runbooks/self-healing.md#the-broker-is-unreachable',
    alwaysAlert: true,
    disturbsDco: false,
    severity: 'critical',
  },
};

/** A fault seen on one target (a service, a consumer group, a message type, the pointer, the brokers). */
export interface Detection {
  fault: HealFault;
  target: string;
  detail: string;
  /**
   * The version of the target's state the fault was seen in (the pointer's generation): an action on a target that
   * changed since (a migration or a rollback switched the pointer meanwhile) is not taken.
   */
  seenVersion?: number;
}

export interface HealContext {
  now: Date;
  /** When the fault was first seen on this target (in the current spell). */
  seenSince: Date;
  /** How long a fault must persist before it counts. */
  graceMs: number;
  /** The run whose DCO step is running, from the saga's state. */
  dcoRunning?: { runId: string };
  /** An operator approved acting on this fault and target during the DCO. */
  approved: boolean;
  /** The last action on this fault and target while the fault persisted, and how many there were in a row. */
  lastAction?: { at: Date; attempts: number };
  cooldownMs: number;
  maxAttempts: number;
}

export type HealDecision =
  | { kind: 'ignore'; reason: 'policy-off' }
  | { kind: 'hold'; reason: 'grace' | 'cooldown' }
  | { kind: 'alert'; reason: 'policy-alert' | 'attempts-exhausted'; cause: HealAlertCause }
  | { kind: 'refuse'; code: 'HEAL.DCO_RUNNING'; runId: string; cause: 'HEAL_REFUSED' }
  | { kind: 'act'; action: HealAction; alert?: HealAlertCause };

/** The `cause` of the healer's AlertRaised messages. */
export type HealAlertCause = 'HEAL_NEEDED' | 'HEAL_ACTED' | 'HEAL_EXHAUSTED' | 'HEAL_REFUSED';

/**
 * The table, in order: a fault switched off is ignored; one seen for less than the grace is not one yet; an action taken less than a cooldown ago is given time to work
 * (its alert already went out); after `maxAttempts` actions that did not clear the fault only a person can; `alert`
 * alerts; `act` acts, unless a DCO is running and the action could disturb it without an operator's approval.
 */
export function decideHeal(detection: Detection, policy: HealPolicy, context: HealContext): HealDecision {
  const rule = HEAL_RULES[detection.fault];
  if (policy === 'off') return { kind: 'ignore', reason: 'policy-off' };
  if (context.now.getTime() - context.seenSince.getTime() < context.graceMs) return { kind: 'hold', reason: 'grace' };
  const last = context.lastAction;
  if (last && context.now.getTime() - last.at.getTime() < context.cooldownMs)
    return { kind: 'hold', reason: 'cooldown' };
  if (policy === 'alert') return { kind: 'alert', reason: 'policy-alert', cause: 'HEAL_NEEDED' };
  if (rule.action !== 'back-off' && last && last.attempts >= context.maxAttempts)
    return { kind: 'alert', reason: 'attempts-exhausted', cause: 'HEAL_EXHAUSTED' };
  if (rule.disturbsDco && context.dcoRunning && !context.approved)
    return { kind: 'refuse', code: 'HEAL.DCO_RUNNING', runId: context.dcoRunning.runId, cause: 'HEAL_REFUSED' };
  return { kind: 'act', action: rule.action, ...(rule.alwaysAlert ? { alert: 'HEAL_ACTED' as const } : {}) };
}

/** The healer's own pause while the broker is unreachable: doubling from `baseMs` per failed probe, at most `maxMs`. */
export function backOffMs(consecutiveFailures: number, baseMs: number, maxMs: number): number {
  if (consecutiveFailures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(consecutiveFailures - 1, 30));
}
