// The run view shows each rolled-out service's health before and after its update, as the saga kept it (ADR 0025).
import { AnyMessage, Change, DataOf, FIXTURE_DATA, MessageType, createMessage } from '@dco/contracts';
import { DEFAULT_POLICY, RunState, decide } from '@dco/saga';
import { toView } from './run-view';

const DAY = '2026-11-26';
const RUN = `dco-${DAY}`;
const now = new Date('2026-11-26T06:00:00.000Z');
const release: Change = {
  kind: 'app-release',
  subject: 'dco-runner',
  from: 'dco-runner:1',
  to: 'dco-runner:2',
  risk: 'low',
  reason: 'release',
};

function runThrough(infraApplied: DataOf<'InfraApplied'>): RunState {
  let seq = 0;
  const ids = { next: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };
  let state: RunState | undefined;
  const arrive = <T extends MessageType>(type: T, data: DataOf<T>) => {
    const message = createMessage(
      type,
      data,
      { runId: RUN, producer: 'detector' },
      { clock: { now: () => now }, ids },
    ) as AnyMessage;
    if (state?.pending) message.causationId = state.pending.commandId;
    const decision = decide(state, message, { now, ids, policy: DEFAULT_POLICY, day: {} });
    if (!decision.ok) throw new Error(`${decision.rejection.code}: ${decision.rejection.message}`);
    state = decision.state;
  };
  arrive('DailyTick', { day: DAY, trigger: 'schedule', scheduledAt: now.toISOString() });
  arrive('ChangesDetected', { day: DAY, changes: [release], sources: [] });
  arrive('InfraApplied', infraApplied);
  return state as RunState;
}

describe('toView: health before and after', () => {
  it("lists the applied step's comparisons, a regression with its alert", () => {
    const [measured] = FIXTURE_DATA.InfraApplied.health ?? [];
    const regressed = { ...measured, regressions: ['latency p99 48 ms -> 101 ms (2.10x, limit 1.50x)'] };
    const view = toView(runThrough({ ...FIXTURE_DATA.InfraApplied, health: [regressed] }));
    expect(view.health).toEqual([{ ...regressed, step: 'apply-infra' }]);
    expect(view.alerts).toEqual([expect.objectContaining({ cause: 'HEALTH_REGRESSED', severity: 'warning' })]);
  });

  it('has no health when the rollout measured none', () => {
    const { health: _none, ...unmeasured } = FIXTURE_DATA.InfraApplied;
    expect(toView(runThrough(unmeasured))).not.toHaveProperty('health');
  });
});
