// The healer's fault definitions (ADR 0033) as pure functions of what its probes saw: stuck groups, fixed dead letters, a
// pointer at a lost server, and the pointer that fails back.

/** One partition of a consumer group on a topic: its committed offset (-1 when none) and the partition's end offset. */
export interface PartitionOffsets {
  partition: number;
  committed: number;
  end: number;
}

/** A group's offsets on its topics, taken at one moment. */
export interface GroupSample {
  at: Date;
  partitions: Array<PartitionOffsets & { topic: string }>;
}

export function lagOf(sample: GroupSample): number {
  return sample.partitions.reduce((sum, p) => sum + Math.max(0, p.end - Math.max(0, p.committed)), 0);
}

function committedOf(sample: GroupSample): string {
  return sample.partitions
    .map((p) => `${p.topic}/${p.partition}:${p.committed}`)
    .sort()
    .join(',');
}

/**
 * Stuck: over at least `stuckMs` (the oldest sample kept that is that old, up to the newest) the group committed nothing
 * on any partition while its lag grew. A group that is merely slow commits; an idle one has no growing lag.
 */
export function stuckSince(samples: readonly GroupSample[], stuckMs: number): GroupSample | undefined {
  if (samples.length < 2) return undefined;
  const newest = samples[samples.length - 1];
  const oldEnough = samples.filter((s) => newest.at.getTime() - s.at.getTime() >= stuckMs);
  const start = oldEnough[oldEnough.length - 1];
  if (!start) return undefined;
  const window = samples.slice(samples.indexOf(start));
  const committed = committedOf(start);
  if (window.some((s) => committedOf(s) !== committed)) return undefined;
  return lagOf(newest) > lagOf(start) ? start : undefined;
}

/** The samples worth keeping: the newest and those within `keepMs` before it (enough to judge `stuckMs`). */
export function keepSamples(samples: readonly GroupSample[], keepMs: number): GroupSample[] {
  const newest = samples[samples.length - 1];
  if (!newest) return [];
  return samples.filter((s) => newest.at.getTime() - s.at.getTime() <= keepMs);
}

/** What the healer needs of a dead letter: where it is, why, and where its original was. */
export interface DeadLetterFacts {
  position: string;
  code: string;
  truncated: boolean;
  originalPartition?: number;
  originalOffset?: number;
}

/**
 * The dead letters whose cause is fixed: of a code that a later attempt can pass (a handler that kept failing, not a
 * malformed message), and on a partition where the group has since committed past a record after the last dead letter
 * there, i.e. the handler handled a later message successfully. Truncated ones never are (only a prefix is kept).
 */
export function fixedDeadLetters(
  entries: readonly DeadLetterFacts[],
  group: readonly PartitionOffsets[],
  redrivableCodes: readonly string[],
  alreadyRedriven: ReadonlySet<string>,
): DeadLetterFacts[] {
  const lastDeadOffset = new Map<number, number>();
  for (const entry of entries) {
    if (entry.originalPartition === undefined || entry.originalOffset === undefined) continue;
    const before = lastDeadOffset.get(entry.originalPartition) ?? -1;
    lastDeadOffset.set(entry.originalPartition, Math.max(before, entry.originalOffset));
  }
  const committed = new Map(group.map((p) => [p.partition, p.committed]));
  return entries.filter((entry) => {
    if (entry.truncated || !redrivableCodes.includes(entry.code) || alreadyRedriven.has(entry.position)) return false;
    if (entry.originalPartition === undefined) return false;
    const last = lastDeadOffset.get(entry.originalPartition) ?? -1;
    // The committed offset is the next one to read: past last + 1 means a record after the last dead letter succeeded.
    return (committed.get(entry.originalPartition) ?? -1) > last + 1;
  });
}

export interface PointerEndpoint {
  instanceId: string;
  boltUri: string;
  version: string;
}

export interface PointerFacts {
  current: PointerEndpoint;
  previous?: PointerEndpoint & { retireAfter: string };
  writes: 'open' | 'frozen';
  generation: number;
}

/**
 * The pointer names a server that does not answer while the previous one, still kept, does. A frozen pointer is a
 * migration's cutover in progress: the migrator owns it then.
 */
export function pointerAtLostServer(
  pointer: PointerFacts,
  currentReachable: boolean,
  previousReachable: boolean,
): boolean {
  return pointer.writes === 'open' && !!pointer.previous && !currentReachable && previousReachable;
}

/** The failed-back pointer: the previous server serves again, the lost one is kept as previous until it is looked at. */
export function failedBack<P extends PointerFacts & { updatedAt: string }>(pointer: P, now: Date): P {
  if (!pointer.previous) return pointer;
  const { retireAfter, ...previous } = pointer.previous;
  return {
    ...pointer,
    current: previous,
    previous: { ...pointer.current, retireAfter },
    writes: 'open',
    generation: pointer.generation + 1,
    updatedAt: now.toISOString(),
  };
}

/** What the healer reads of an ECS service: its task counts and deployments. */
export interface EcsServiceFacts {
  desiredCount: number;
  runningCount: number;
  deployments: Array<{ status: string; rolloutState?: string; failedTasks: number }>;
}

/**
 * Why an ECS service is unhealthy, or undefined: fewer tasks running than desired (ECS stopped tasks that failed their
 * health check and could not start healthy ones), or its primary deployment failed (the circuit breaker tripped).
 */
export function ecsServiceUnhealthy(service: EcsServiceFacts | undefined): string | undefined {
  if (!service) return 'the service does not exist';
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') return `its deployment failed (${primary.failedTasks} tasks failed)`;
  if (service.runningCount < service.desiredCount)
    return `${service.runningCount} of ${service.desiredCount} tasks running`;
  return undefined;
}
