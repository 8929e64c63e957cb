// The healer's decision table as Given (policy, saga state, last action) / When (a fault is seen) / Then (a decision) rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Detection,
  HEAL_FAULTS,
  HEAL_RULES,
  HealContext,
  HealDecision,
  HealPolicy,
  backOffMs,
  decideHeal,
} from './heal-decision';

const NOW = new Date('2026-11-26T06:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const base: HealContext = {
  now: NOW,
  seenSince: ago(30_000),
  graceMs: 30_000,
  approved: false,
  cooldownMs: 60_000,
  maxAttempts: 3,
};
const DCO = { dcoRunning: { runId: 'dco-2026-11-26' } };
const seen = (fault: Detection['fault']): Detection => ({ fault, target: 't', detail: 'd' });

interface Row {
  given: string;
  fault: Detection['fault'];
  policy: HealPolicy;
  context?: Partial<HealContext>;
  then: HealDecision;
}

const rows: Row[] = [
  // Policies
  { given: 'off', fault: 'ecs-unhealthy', policy: 'off', then: { kind: 'ignore', reason: 'policy-off' } },
  {
    given: 'off during the DCO',
    fault: 'neo4j-pointer',
    policy: 'off',
    context: DCO,
    then: { kind: 'ignore', reason: 'policy-off' },
  },
  {
    given: 'alert',
    fault: 'ecs-unhealthy',
    policy: 'alert',
    then: { kind: 'alert', reason: 'policy-alert', cause: 'HEAL_NEEDED' },
  },
  {
    given: 'alert',
    fault: 'dead-letters',
    policy: 'alert',
    then: { kind: 'alert', reason: 'policy-alert', cause: 'HEAL_NEEDED' },
  },
  {
    given: 'alert',
    fault: 'broker-unreachable',
    policy: 'alert',
    then: { kind: 'alert', reason: 'policy-alert', cause: 'HEAL_NEEDED' },
  },
  // Each fault's action under `act`
  { given: 'act', fault: 'ecs-unhealthy', policy: 'act', then: { kind: 'act', action: 'redeploy' } },
  { given: 'act', fault: 'consumer-stuck', policy: 'act', then: { kind: 'act', action: 'restart' } },
  { given: 'act', fault: 'dead-letters', policy: 'act', then: { kind: 'act', action: 'redrive' } },
  {
    given: 'act',
    fault: 'neo4j-pointer',
    policy: 'act',
    then: { kind: 'act', action: 'fail-back', alert: 'HEAL_ACTED' },
  },
  {
    given: 'act',
    fault: 'broker-unreachable',
    policy: 'act',
    then: { kind: 'act', action: 'back-off', alert: 'HEAL_ACTED' },
  },
  // The DCO: refused without approval, acted with it; backing off disturbs nothing
  ...(['ecs-unhealthy', 'consumer-stuck', 'dead-letters', 'neo4j-pointer'] as const).map(
    (fault): Row => ({
      given: 'act during the DCO without approval',
      fault,
      policy: 'act',
      context: DCO,
      then: { kind: 'refuse', code: 'HEAL.DCO_RUNNING', runId: 'dco-2026-11-26', cause: 'HEAL_REFUSED' },
    }),
  ),
  {
    given: 'act during the DCO with approval',
    fault: 'ecs-unhealthy',
    policy: 'act',
    context: { ...DCO, approved: true },
    then: { kind: 'act', action: 'redeploy' },
  },
  {
    given: 'act during the DCO',
    fault: 'broker-unreachable',
    policy: 'act',
    context: DCO,
    then: { kind: 'act', action: 'back-off', alert: 'HEAL_ACTED' },
  },
  {
    given: 'alert during the DCO',
    fault: 'ecs-unhealthy',
    policy: 'alert',
    context: DCO,
    then: { kind: 'alert', reason: 'policy-alert', cause: 'HEAL_NEEDED' },
  },
  // Grace, cooldown and attempts
  {
    given: 'seen 10 s ago',
    fault: 'ecs-unhealthy',
    policy: 'act',
    context: { seenSince: ago(10_000) },
    then: { kind: 'hold', reason: 'grace' },
  },
  {
    given: 'seen 10 s ago, no grace',
    fault: 'ecs-unhealthy',
    policy: 'act',
    context: { seenSince: ago(10_000), graceMs: 0 },
    then: { kind: 'act', action: 'redeploy' },
  },
  {
    given: 'acted 10 s ago',
    fault: 'ecs-unhealthy',
    policy: 'act',
    context: { lastAction: { at: ago(10_000), attempts: 1 } },
    then: { kind: 'hold', reason: 'cooldown' },
  },
  {
    given: 'alerted 10 s ago',
    fault: 'ecs-unhealthy',
    policy: 'alert',
    context: { lastAction: { at: ago(10_000), attempts: 1 } },
    then: { kind: 'hold', reason: 'cooldown' },
  },
  {
    given: 'acted a cooldown ago, twice',
    fault: 'consumer-stuck',
    policy: 'act',
    context: { lastAction: { at: ago(60_000), attempts: 2 } },
    then: { kind: 'act', action: 'restart' },
  },
  {
    given: 'acted three times in vain',
    fault: 'consumer-stuck',
    policy: 'act',
    context: { lastAction: { at: ago(60_000), attempts: 3 } },
    then: { kind: 'alert', reason: 'attempts-exhausted', cause: 'HEAL_EXHAUSTED' },
  },
  {
    given: 'backed off many times',
    fault: 'broker-unreachable',
    policy: 'act',
    context: { lastAction: { at: ago(60_000), attempts: 9 } },
    then: { kind: 'act', action: 'back-off', alert: 'HEAL_ACTED' },
  },
];

describe('decideHeal', () => {
  it.each(rows)(
    'Given $given, When $fault is seen under $policy, Then $then.kind',
    ({ fault, policy, context, then }) => {
      expect(decideHeal(seen(fault), policy, { ...base, ...context })).toEqual(then);
    },
  );

  it('links every fault to a section of the self-healing runbook that exists', () => {
    const runbook = readFileSync(join(__dirname, '../../../../../docs/runbooks/self-healing.md'), 'utf8');
    const anchors = [...runbook.matchAll(/^## (.+)$/gm)].map(([, title]) =>
      title
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    );
    for (const fault of HEAL_FAULTS) {
      const [file, anchor] = HEAL_RULES[fault].runbook.split('#');
      expect(file).toBe('docs/runbooks/self-healing.md');
      expect(anchors).toContain(anchor);
    }
  });
});

describe('backOffMs', () => {
  it.each([
    [0, 0],
    [1, 1_000],
    [2, 2_000],
    [4, 8_000],
    [10, 60_000],
    [200, 60_000],
  ])('after %i failed probes waits %i ms (base 1 s, at most 60 s)', (failures, expected) => {
    expect(backOffMs(failures, 1_000, 60_000)).toBe(expected);
  });
});
