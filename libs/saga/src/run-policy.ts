// The run policy: which changes need a person's approval, the DCO deadline, and each step's expected duration and timeout.
import { Change, Risk, STEPS, Step } from '@dco/contracts';
import { CATCH_UP_POLICIES, CatchUpSettings, MAX_CATCH_UP_DAYS } from './catch-up';
import { UPDATE_WINDOW_POLICIES, UpdateWindowPolicy } from './update-window/choose-window';
import { isValidTimeZone, zonedTimeToInstant } from './zoned-time';

export interface StepTiming {
  /** Measured typical duration; used to decide whether a stage still fits before the DCO deadline. */
  expectedMs: number;
  /** After this long without an answer the step is timed out and treated as a failure. */
  timeoutMs: number;
}

export interface RunPolicy {
  /** The offering must have run by this wall-clock time of its day, in this zone. */
  dcoDeadline: { time: string; timeZone: string };
  steps: Record<Step, StepTiming>;
  /**
   * The longest a run may take, from RunStarted. Past it the saga starts no further update stage and an update stage (or the
   * approval wait) still in flight counts as timed out: compensations in reverse order, then the DCO on the old infrastructure.
   * The DCO and the compensations are never cut short by it; they keep their own step timeouts.
   */
  maxRunMs: number;
  /** What a tick does about the days missed since the last run (ADR 0023). */
  catchUp: CatchUpSettings;
  /** Where a change set goes first: staging, soaked for soakMs, then production; or production directly (ADR 0032). */
  promotion: { policy: PromotionPolicy; soakMs: number };
  /** When a non-urgent change set is applied: at once (`tick`) or in the predicted lowest-load window (ADR 0027). */
  updateWindow: { policy: UpdateWindowPolicy };
  approval: {
    /** Changes of these risks need approval. */
    risks: Risk[];
    /** A Neo4j AMI change that moves to another major version needs approval. */
    neo4jMajorVersionChange: boolean;
  };
}

const minutes = (n: number): number => n * 60_000;

export const PROMOTION_POLICIES = ['direct', 'staging-first'] as const;
/** `staging-first`: each infrastructure change set runs on staging and soaks before production gets it (ADR 0032). */
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];
/** The longest soak a run accepts: a day's change set must still reach production in the day's window. */
export const MAX_SOAK_MS = 6 * 60 * 60_000;

export const DEFAULT_POLICY: RunPolicy = {
  dcoDeadline: { time: '09:00', timeZone: 'UTC' },
  steps: {
    detect: { expectedMs: minutes(1), timeoutMs: minutes(10) },
    approval: { expectedMs: minutes(60), timeoutMs: minutes(120) },
    // The apply on staging; its soak (promotion.soakMs) comes on top of both.
    staging: { expectedMs: minutes(15), timeoutMs: minutes(45) },
    'apply-infra': { expectedMs: minutes(15), timeoutMs: minutes(45) },
    'migrate-db': { expectedMs: minutes(30), timeoutMs: minutes(90) },
    'run-dco': { expectedMs: minutes(10), timeoutMs: minutes(30) },
    'rollback-db': { expectedMs: minutes(10), timeoutMs: minutes(30) },
    'rollback-infra': { expectedMs: minutes(15), timeoutMs: minutes(45) },
  },
  // Above the sum of the forward steps' timeouts (295 min): a run past it is stuck rather than slow.
  maxRunMs: minutes(360),
  catchUp: { policy: 'all', maxDays: 7 },
  updateWindow: { policy: 'tick' },
  // Direct unless configured: an environment without a staging environment (npm start, the day scenarios) works as is.
  promotion: { policy: 'direct', soakMs: minutes(30) },
  approval: { risks: ['high'], neo4jMajorVersionChange: true },
};

/** Problems with a policy, each naming the field; empty when the policy is usable. */
export function validatePolicy(policy: RunPolicy): string[] {
  const problems: string[] = [];
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(policy.dcoDeadline.time))
    problems.push(`dcoDeadline.time must be HH:MM, got "${policy.dcoDeadline.time}"`);
  if (!isValidTimeZone(policy.dcoDeadline.timeZone))
    problems.push(`dcoDeadline.timeZone is not an IANA time zone: "${policy.dcoDeadline.timeZone}"`);
  for (const step of STEPS) {
    const timing = policy.steps[step];
    if (!timing) {
      problems.push(`steps.${step} is missing`);
      continue;
    }
    if (!(timing.expectedMs > 0)) problems.push(`steps.${step}.expectedMs must be > 0`);
    if (!(timing.timeoutMs >= timing.expectedMs)) problems.push(`steps.${step}.timeoutMs must be >= expectedMs`);
  }
  if (!(Number.isInteger(policy.maxRunMs) && policy.maxRunMs > 0))
    problems.push(`maxRunMs must be a positive integer number of milliseconds, got ${String(policy.maxRunMs)}`);
  if (!CATCH_UP_POLICIES.includes(policy.catchUp.policy))
    problems.push(
      `catchUp.policy must be one of ${CATCH_UP_POLICIES.join(', ')}, got "${String(policy.catchUp.policy)}"`,
    );
  const maxDays = policy.catchUp.maxDays;
  if (!(Number.isInteger(maxDays) && maxDays >= 0 && maxDays <= MAX_CATCH_UP_DAYS))
    problems.push(`catchUp.maxDays must be an integer from 0 to ${MAX_CATCH_UP_DAYS}, got ${String(maxDays)}`);
  if (!UPDATE_WINDOW_POLICIES.includes(policy.updateWindow.policy))
    problems.push(
      `updateWindow.policy must be one of ${UPDATE_WINDOW_POLICIES.join(', ')}, got "${String(policy.updateWindow.policy)}"`,
    );
  if (!PROMOTION_POLICIES.includes(policy.promotion.policy))
    problems.push(
      `promotion.policy must be one of ${PROMOTION_POLICIES.join(', ')}, got "${String(policy.promotion.policy)}"`,
    );
  const soakMs = policy.promotion.soakMs;
  if (!(Number.isInteger(soakMs) && soakMs >= 0 && soakMs <= MAX_SOAK_MS))
    problems.push(`promotion.soakMs must be an integer from 0 to ${MAX_SOAK_MS} milliseconds, got ${String(soakMs)}`);
  return problems;
}

export const dcoDeadlineOf = (day: string, policy: RunPolicy): Date =>
  zonedTimeToInstant(day, policy.dcoDeadline.time, policy.dcoDeadline.timeZone);

/** Change kinds that the infra-deployer applies; a neo4j-ami change is the db-migrator's blue-green instead. */
export const isInfraChange = (change: Change): boolean => change.kind !== 'neo4j-ami';
export const isDbChange = (change: Change): boolean => change.kind === 'neo4j-ami';

const VERSION = /(\d+)\.(\d+)(?:\.(\d+))?/;
const majorOf = (text: string | undefined): number | undefined => {
  const match = text ? VERSION.exec(text) : null;
  return match ? Number(match[1]) : undefined;
};

/**
 * Reasons the changes need approval; empty when they do not.
 * A Neo4j change names versions in from/to (or the reason for the target); when the old major is unknown it is not guessed.
 */
export function approvalReasons(changes: Change[], policy: RunPolicy): string[] {
  const reasons: string[] = [];
  for (const change of changes) {
    if (policy.approval.risks.includes(change.risk)) {
      reasons.push(`${change.kind} ${change.subject} is ${change.risk} risk: ${change.reason}`);
      continue;
    }
    if (policy.approval.neo4jMajorVersionChange && change.kind === 'neo4j-ami') {
      const from = majorOf(change.from);
      const to = majorOf(change.to) ?? majorOf(change.reason);
      if (from !== undefined && to !== undefined && from !== to) {
        reasons.push(`Neo4j major version changes from ${from} to ${to} (${change.subject})`);
      }
    }
  }
  return reasons;
}
