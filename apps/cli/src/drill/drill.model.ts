// DR drills, the pure part: the kinds, what a drill observed, RTO/RPO from it, the objectives verdict and the refusal rule.
import { DR_DRILL_KINDS, DrDrillCompletedData, DrDrillKind } from '@dco/contracts';

/** The kinds are the contract's: the figures of each are published as DrDrillCompleted. */
export const DRILL_KINDS = DR_DRILL_KINDS;
export type DrillKind = DrDrillKind;

export const isDrillKind = (value: string): value is DrillKind => (DRILL_KINDS as readonly string[]).includes(value);

/**
 * What one drill saw, in milliseconds of one monotonic clock: when the loss was inflicted, when the probe first found
 * the system serving again, and the writer's ledger. `covered` are the acknowledged writes the recovery source must hold
 * (all of them for Kafka and the shared tofu state; those acknowledged before the latest backup began for Neo4j).
 */
export interface DrillObservation {
  kind: DrillKind;
  lossAtMs: number;
  servingAtMs: number;
  /** Ids of the writes the writer saw acknowledged (committed), whenever during the drill. */
  acknowledged: readonly string[];
  /** The subset of `acknowledged` the recovery source must hold. */
  covered: readonly string[];
  /** Ids of the writes found after recovery. */
  recovered: readonly string[];
  /** The same recovery step timed on the healthy system in the same run (the ratio's denominator), in ms. */
  baselineMs: number;
  /** Size and parameters worth keeping with the figures (nodes, writes, applies, ...). */
  parameters: Record<string, number | string>;
}

export interface DrillMeasurement {
  kind: DrillKind;
  rtoS: number;
  /** Acknowledged writes missing after recovery. */
  rpoWritesLost: number;
  /** Of those, writes the recovery source had to hold: any is a broken promise, whatever the objective. */
  coveredWritesLost: number;
  acknowledgedWrites: number;
  baselineS: number;
  parameters: Record<string, number | string>;
}

export function measure(observation: DrillObservation): DrillMeasurement {
  if (observation.servingAtMs < observation.lossAtMs)
    throw new RangeError(`the probe cannot find ${observation.kind} serving before the loss`);
  const recovered = new Set(observation.recovered);
  const lost = (ids: readonly string[]) => new Set(ids.filter((id) => !recovered.has(id))).size;
  return {
    kind: observation.kind,
    rtoS: round((observation.servingAtMs - observation.lossAtMs) / 1000),
    rpoWritesLost: lost(observation.acknowledged),
    coveredWritesLost: lost(observation.covered),
    acknowledgedWrites: new Set(observation.acknowledged).size,
    baselineS: round(observation.baselineMs / 1000),
    parameters: observation.parameters,
  };
}

/** A drill's objectives: the RTO in seconds, and the RPO in acknowledged writes lost (0: none may be lost). */
export interface DrillObjective {
  rtoS: number;
  /** `covered`: only writes the recovery source covers must survive (Neo4j: those before the latest backup). */
  rpo: 'zero' | 'covered';
}

export interface DrillVerdict {
  met: boolean;
  /** One sentence per missed objective, for the alert and the CLI. */
  misses: string[];
}

export function judge(measurement: DrillMeasurement, objective: DrillObjective): DrillVerdict {
  const misses: string[] = [];
  if (measurement.rtoS > objective.rtoS)
    misses.push(`${measurement.kind}: RTO ${measurement.rtoS} s exceeds the objective of ${objective.rtoS} s`);
  if (objective.rpo === 'zero' && measurement.rpoWritesLost > 0)
    misses.push(`${measurement.kind}: ${measurement.rpoWritesLost} acknowledged writes lost where none may be`);
  if (measurement.coveredWritesLost > 0)
    misses.push(
      `${measurement.kind}: ${measurement.coveredWritesLost} writes acknowledged before the recovery point were lost`,
    );
  return { met: misses.length === 0, misses };
}

/** A judged drill as its DrDrillCompleted event carries it (the dashboard shows the last one of each kind). */
export function drillFigures(
  measurement: DrillMeasurement,
  objective: DrillObjective,
  verdict: DrillVerdict,
  completedAt: Date,
): DrDrillCompletedData {
  return {
    kind: measurement.kind,
    completedAt: completedAt.toISOString(),
    rtoS: measurement.rtoS,
    rtoObjectiveS: objective.rtoS,
    rpoWritesLost: measurement.rpoWritesLost,
    coveredWritesLost: measurement.coveredWritesLost,
    acknowledgedWrites: measurement.acknowledgedWrites,
    rpoObjective: objective.rpo,
    met: verdict.met,
    misses: verdict.misses.slice(0, 10).map((miss) => miss.slice(0, 500)),
  };
}

/** A run that has not ended, as the saga stores it: its id and status. */
export interface RunStatusView {
  runId: string;
  status: string;
}

const ENDED = new Set(['Completed', 'CompletedAfterRollback', 'Failed']);

/** The runs that forbid a drill: every run not ended (a drill must never overlap a run's steps, least of all its DCO). */
export function activeRuns(runs: readonly RunStatusView[]): string[] {
  return runs.filter((run) => !ENDED.has(run.status)).map((run) => `${run.runId} (${run.status})`);
}

/** The metric keys of bench/results/dr.json: the worst drill as `rto_s` / `rpo_writes_lost`, then one pair per kind. */
export function drillMetrics(measurements: readonly DrillMeasurement[]): Record<string, number> {
  if (measurements.length === 0) return {};
  const metrics: Record<string, number> = {
    rto_s: Math.max(...measurements.map((m) => m.rtoS)),
    rpo_writes_lost: measurements.reduce((sum, m) => sum + m.rpoWritesLost, 0),
  };
  for (const m of measurements) {
    metrics[`${m.kind}_rto_s`] = m.rtoS;
    metrics[`${m.kind}_rpo_writes_lost`] = m.rpoWritesLost;
    metrics[`${m.kind}_covered_writes_lost`] = m.coveredWritesLost;
    metrics[`${m.kind}_acknowledged_writes`] = m.acknowledgedWrites;
  }
  return metrics;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
