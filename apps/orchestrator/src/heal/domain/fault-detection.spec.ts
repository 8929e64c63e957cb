// The fault definitions as Given / When / Then rows: a stuck group, fixed dead letters, a pointer at a lost server, fail-back.
import {
  DeadLetterFacts,
  ecsServiceUnhealthy,
  GroupSample,
  PointerFacts,
  failedBack,
  fixedDeadLetters,
  keepSamples,
  lagOf,
  pointerAtLostServer,
  stuckSince,
} from './fault-detection';

const T0 = new Date('2026-11-26T06:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
/** A sample of one partition of topic T: committed and end offsets. */
const sample = (s: number, committed: number, end: number): GroupSample => ({
  at: at(s),
  partitions: [{ topic: 'T', partition: 0, committed, end }],
});

describe('stuckSince (stuck after 30 s)', () => {
  it.each<[string, GroupSample[], boolean]>([
    ['no commits and a growing lag for 30 s', [sample(0, 5, 6), sample(15, 5, 8), sample(30, 5, 9)], true],
    ['no commits for 40 s, lag grew within the last 30 s', [sample(0, 5, 6), sample(10, 5, 6), sample(40, 5, 7)], true],
    ['only 20 s observed', [sample(0, 5, 6), sample(20, 5, 9)], false],
    ['a commit within the window', [sample(0, 5, 6), sample(15, 6, 8), sample(30, 6, 9)], false],
    ['no commits but no new records (idle, lag steady)', [sample(0, 5, 6), sample(30, 5, 6)], false],
    ['nothing committed yet and records arriving', [sample(0, -1, 2), sample(30, -1, 4)], true],
    ['a single sample', [sample(0, 5, 9)], false],
  ])('Given %s, Then stuck is %s', (_given, samples, stuck) => {
    expect(stuckSince(samples, 30_000) !== undefined).toBe(stuck);
  });

  it('counts lag from the committed offset, an uncommitted partition from its start', () => {
    expect(lagOf(sample(0, 5, 9))).toBe(4);
    expect(lagOf(sample(0, -1, 3))).toBe(3);
  });

  it('keeps the samples within the window before the newest', () => {
    expect(keepSamples([sample(0, 1, 1), sample(50, 1, 1), sample(60, 1, 1)], 30_000).map((s) => s.at)).toEqual([
      at(50),
      at(60),
    ]);
    expect(keepSamples([], 30_000)).toEqual([]);
  });
});

describe('fixedDeadLetters', () => {
  const letter = (position: string, originalOffset: number, code = 'MSG.HANDLER_FAILED'): DeadLetterFacts => ({
    position,
    code,
    truncated: false,
    originalPartition: 0,
    originalOffset,
  });
  const committedAt = (committed: number) => [{ partition: 0, committed, end: committed }];
  const redrivable = ['MSG.HANDLER_FAILED'];

  it.each<[string, DeadLetterFacts[], number, string[], string[]]>([
    ['a later record on the partition was handled', [letter('0:0', 3)], 5, [], ['0:0']],
    ['the dead letter is the last record handled', [letter('0:0', 3)], 4, [], []],
    ['a later dead letter on the partition: still failing', [letter('0:0', 3), letter('0:1', 6)], 7, [], []],
    [
      'both fixed once a record after the last one succeeded',
      [letter('0:0', 3), letter('0:1', 6)],
      8,
      [],
      ['0:0', '0:1'],
    ],
    ['a malformed message never is', [letter('0:0', 3, 'MSG.VALIDATION_FAILED')], 9, [], []],
    ['already re-driven', [letter('0:0', 3)], 9, ['0:0'], []],
  ])('Given %s, Then it re-drives %j', (_given, entries, committed, redriven, expected) => {
    expect(
      fixedDeadLetters(entries, committedAt(committed), redrivable, new Set(redriven)).map((e) => e.position),
    ).toEqual(expected);
  });

  it('never re-drives a truncated dead letter or one without its original position', () => {
    const truncated = { ...letter('0:0', 1), truncated: true };
    const unplaced: DeadLetterFacts = { position: '0:1', code: 'MSG.HANDLER_FAILED', truncated: false };
    expect(fixedDeadLetters([truncated, unplaced], committedAt(9), redrivable, new Set())).toEqual([]);
  });
});

describe('the Neo4j pointer', () => {
  const green = { instanceId: 'i-green', boltUri: 'bolt://green:7687', version: '5.26.19' };
  const blue = { instanceId: 'i-blue', boltUri: 'bolt://blue:7687', version: '5.20.0' };
  const pointer: PointerFacts & { updatedAt: string } = {
    current: green,
    previous: { ...blue, retireAfter: '2026-12-01T00:00:00.000Z' },
    writes: 'open',
    generation: 7,
    updatedAt: '2026-11-25T06:00:00.000Z',
  };

  it.each<[string, PointerFacts, boolean, boolean, boolean]>([
    ['current lost, previous answers', pointer, false, true, true],
    ['current answers', pointer, true, true, false],
    ['both lost (nothing to fail back to)', pointer, false, false, false],
    ['no previous kept', { ...pointer, previous: undefined }, false, true, false],
    ['a cutover in progress (frozen)', { ...pointer, writes: 'frozen' }, false, true, false],
  ])('Given %s, Then the fault is %s', (_given, facts, current, previous, fault) => {
    expect(pointerAtLostServer(facts, current, previous)).toBe(fault);
  });

  it('fails back: the previous server serves, the lost one is kept as previous, a new generation', () => {
    expect(failedBack(pointer, T0)).toEqual({
      current: blue,
      previous: { ...green, retireAfter: '2026-12-01T00:00:00.000Z' },
      writes: 'open',
      generation: 8,
      updatedAt: T0.toISOString(),
    });
    expect(failedBack({ ...pointer, previous: undefined }, T0)).toEqual({ ...pointer, previous: undefined });
  });
});

describe('ecsServiceUnhealthy', () => {
  const deployment = (rolloutState: string, failedTasks = 0) => ({ status: 'PRIMARY', rolloutState, failedTasks });
  it.each<[string, Parameters<typeof ecsServiceUnhealthy>[0], string | undefined]>([
    [
      'every desired task running',
      { desiredCount: 2, runningCount: 2, deployments: [deployment('COMPLETED')] },
      undefined,
    ],
    [
      'more running than desired (a rollout replacing tasks)',
      { desiredCount: 2, runningCount: 3, deployments: [deployment('IN_PROGRESS')] },
      undefined,
    ],
    [
      'fewer running than desired',
      { desiredCount: 12, runningCount: 10, deployments: [deployment('IN_PROGRESS')] },
      '10 of 12 tasks running',
    ],
    [
      'the deployment failed',
      { desiredCount: 2, runningCount: 2, deployments: [deployment('FAILED', 4)] },
      'its deployment failed (4 tasks failed)',
    ],
    ['gone', undefined, 'the service does not exist'],
  ])('Given %s, Then %s', (_given, service, detail) => {
    expect(ecsServiceUnhealthy(service)).toBe(detail);
  });
});
