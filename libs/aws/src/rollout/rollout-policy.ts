// How an ECS rollout proceeds (canary share, analysis and gate times, tolerated error rate), and the defaults.
export interface RolloutPolicy {
  cluster: string;
  /** Share of the service's tasks the canary runs (0 = no canary). */
  canaryFraction: number;
  /** How long the canary is watched before the rest follows. */
  canaryAnalysisMs: number;
  /** How long the full service is watched after reaching steady state. */
  gateMs: number;
  pollIntervalMs: number;
  steadyStateTimeoutMs: number;
  /** Highest tolerated share of failed requests, 0..1. */
  maxErrorRate: number;
}

export const DEFAULT_ROLLOUT_POLICY: Omit<RolloutPolicy, 'cluster'> = {
  canaryFraction: 0.1,
  canaryAnalysisMs: 60_000,
  gateMs: 30_000,
  pollIntervalMs: 2_000,
  steadyStateTimeoutMs: 600_000,
  maxErrorRate: 0.01,
};
