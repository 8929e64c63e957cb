// In-memory stand-in of the offering with outcomes from config (DCO_SIMULATE_RUN_DCO): answers an empty offering
// (nothing contributed, nothing allocated) so the saga can be exercised without a ledger.
import { createHash } from 'node:crypto';
import { RunDcoPort, actOut, parseSimulatedBehaviour } from '@dco/platform';
import { DcoRunnerConfig } from '../dco-runner.config';

export function simulatedDcoRunner(config: DcoRunnerConfig) {
  const behaviour = parseSimulatedBehaviour('DCO_SIMULATE_RUN_DCO', config.DCO_SIMULATE_RUN_DCO);
  const completed = new Set<string>();
  const runDco: RunDcoPort = async (command) => {
    const { day } = command.data;
    const reused = completed.has(day);
    if (!reused && (await actOut(behaviour, 'run-dco')) === 'silent') return null;
    completed.add(day);
    return {
      day,
      offeringId: `offering-${day}`,
      offered: '0',
      allocated: '0',
      undistributed: '0',
      allocationCount: 0,
      contributionCount: 0,
      resultHash: createHash('sha256').update(`offering:${day}:[]`).digest('hex'),
      reused,
    };
  };
  return { runDco };
}
