// Builds the saga's RunPolicy from the orchestrator's environment, naming the variable of every bad value.
import { ConfigError } from '@dco/platform';
import { DEFAULT_POLICY, RunPolicy, validatePolicy } from '@dco/saga';
import { Risk, STEPS, Step } from '@dco/contracts';
import { OrchestratorConfig } from '../orchestrator.config';

export function policyFromConfig(config: OrchestratorConfig): RunPolicy {
  const problems: string[] = [];
  const timeouts = parseStepDurations('SAGA_STEP_TIMEOUTS', config.SAGA_STEP_TIMEOUTS, problems);
  const expected = parseStepDurations('SAGA_STEP_EXPECTED', config.SAGA_STEP_EXPECTED, problems);
  const steps = Object.fromEntries(
    STEPS.map((step) => {
      const timeoutMs = timeouts[step] ?? DEFAULT_POLICY.steps[step].timeoutMs;
      // A shortened timeout shortens the expectation with it unless that is configured too.
      const expectedMs = expected[step] ?? Math.min(DEFAULT_POLICY.steps[step].expectedMs, timeoutMs);
      return [step, { expectedMs, timeoutMs }];
    }),
  ) as RunPolicy['steps'];
  const policy: RunPolicy = {
    dcoDeadline: { time: config.DCO_DEADLINE, timeZone: config.DCO_TIME_ZONE },
    steps,
    maxRunMs: config.SAGA_MAX_RUN_MS,
    catchUp: { policy: config.DCO_CATCH_UP, maxDays: config.DCO_CATCH_UP_MAX_DAYS },
    updateWindow: { policy: config.DCO_UPDATE_WINDOW },
    promotion: { policy: config.DCO_PROMOTION, soakMs: config.DCO_STAGING_SOAK_MS },
    approval: {
      risks: config.SAGA_APPROVAL_RISKS === 'none' ? [] : (config.SAGA_APPROVAL_RISKS.split(',') as Risk[]),
      neo4jMajorVersionChange: DEFAULT_POLICY.approval.neo4jMajorVersionChange,
    },
  };
  for (const problem of validatePolicy(policy)) {
    problems.push(
      problem
        .replace(/^dcoDeadline\.timeZone/, 'DCO_TIME_ZONE')
        .replace(/^dcoDeadline\.time/, 'DCO_DEADLINE')
        .replace(/^steps\./, 'SAGA_STEP_TIMEOUTS/SAGA_STEP_EXPECTED: ')
        .replace(/^maxRunMs/, 'SAGA_MAX_RUN_MS')
        .replace(/^catchUp\.policy/, 'DCO_CATCH_UP')
        .replace(/^catchUp\.maxDays/, 'DCO_CATCH_UP_MAX_DAYS')
        .replace(/^updateWindow\.policy/, 'DCO_UPDATE_WINDOW')
        .replace(/^promotion\.policy/, 'DCO_PROMOTION')
        .replace(/^promotion\.soakMs/, 'DCO_STAGING_SOAK_MS'),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return policy;
}

function parseStepDurations(
  variable: string,
  value: string | undefined,
  problems: string[],
): Partial<Record<Step, number>> {
  const result: Partial<Record<Step, number>> = {};
  if (!value) return result;
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+)$/.exec(entry);
    if (!match || !(STEPS as readonly string[]).includes(match[1]) || Number(match[2]) <= 0) {
      problems.push(
        `${variable} (got "${entry}"): each entry must be <step>=<milliseconds> with step one of ${STEPS.join(', ')}`,
      );
      continue;
    }
    result[match[1] as Step] = Number(match[2]);
  }
  return result;
}
