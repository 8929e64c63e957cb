// The real RunDco stage as the worker calls it, on the in-memory ledger: a demo day completes, a redelivery is reused.
import { ConfigError, CommandContext, loadConfig } from '@dco/platform';
import { fixtureMessage } from '@dco/contracts';
import { DcoRunnerConfig } from '../dco-runner.config';
import { realDcoRunner } from './run-dco.factory';

const deps = { clock: { now: () => new Date('2026-11-26T09:00:00Z') }, ids: { next: () => 'offering-1' } };
const context: CommandContext = { attempt: 1, emit: async () => {} };
const realDcoRunnerOf = (env: NodeJS.ProcessEnv) =>
  realDcoRunner(loadConfig(DcoRunnerConfig, { DCO_STAGE_ENGINE: 'real', ...env }), deps);

describe('RunDco use case (real engine)', () => {
  it('runs the reference offering of a demo day in memory and answers a redelivery from the ledger', async () => {
    const runner = realDcoRunnerOf({
      DCO_PROFILE: 'embedded',
      DCO_DAILY_AMOUNT: '1000000000000000000000',
      DCO_DEMO_ACCOUNTS: '50',
      DCO_DEMO_CONTRIBUTIONS: '400',
    });
    const command = fixtureMessage('RunDco', { data: { day: '2026-11-26', afterRollback: false } });
    const first = await runner.runDco(command, context);
    expect(first).toEqual(
      expect.objectContaining({
        day: '2026-11-26',
        offeringId: 'offering-1',
        offered: '1000000000000000000000',
        contributionCount: 400,
        reused: false,
      }),
    );
    expect(first?.allocationCount).toBeGreaterThan(40);
    expect(BigInt(first?.allocated ?? 0) + BigInt(first?.undistributed ?? 0)).toBe(10n ** 21n);

    const again = await runner.runDco({ ...command, eventId: '00000000-0000-4000-8000-00000000ffff' }, context);
    expect(again).toEqual({ ...first, reused: true });
    await runner.close();
  });

  it('refuses to start without a daily amount for the reference offering', () => {
    expect(() => realDcoRunnerOf({ DCO_PROFILE: 'embedded' })).toThrow(ConfigError);
    expect(() => realDcoRunnerOf({ DCO_PROFILE: 'embedded', DCO_DAILY_AMOUNT: '1.5' })).toThrow(
      /DCO_DAILY_AMOUNT .*must be a positive whole number/,
    );
  });

  it('requires the cluster and task definition for the ECS executor', () => {
    expect(() =>
      realDcoRunnerOf({ DCO_PROFILE: 'local', KAFKA_BROKERS: '127.0.0.1:19092', DCO_EXECUTOR: 'ecs' }),
    ).toThrow(/DCO_ECS_CLUSTER.*\n.*DCO_ECS_TASK_DEFINITION/);
  });
});
