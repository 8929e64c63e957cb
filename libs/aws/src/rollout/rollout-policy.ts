// How an ECS rollout proceeds (canary share, analysis and gate times, tolerated error rate, health before vs after), and the defaults.
import { DEFAULT_HEALTH_THRESHOLDS, HealthRegressionPolicy, HealthThresholds } from './health-comparison';

/** Health measured before and after each update and compared (ADR 0025). */
export interface HealthComparisonPolicy {
  /** How long each of the two measurements (before, after) watches the service; 0 = no comparison. */
  windowMs: number;
  thresholds: HealthThresholds;
  onRegression: HealthRegressionPolicy;
}

export const DEFAULT_HEALTH_COMPARISON_POLICY: HealthComparisonPolicy = {
  windowMs: 60_000,
  thresholds: DEFAULT_HEALTH_THRESHOLDS,
  onRegression: 'rollback',
};

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
  /**
   * Consecutive failed health samples that fail a gate (a healthy sample resets the count). One sample lost to a slow
   * answer or a dropped connection does not roll a release back; a service that stays unhealthy fails within
   * `failureThreshold` polls. A gate's window ends on a healthy sample only.
   */
  failureThreshold: number;
  /** Health before vs after the rollout; absent = not compared. */
  health?: HealthComparisonPolicy;
}

export const DEFAULT_ROLLOUT_POLICY: Omit<RolloutPolicy, 'cluster'> = {
  canaryFraction: 0.1,
  canaryAnalysisMs: 60_000,
  gateMs: 30_000,
  pollIntervalMs: 2_000,
  steadyStateTimeoutMs: 600_000,
  maxErrorRate: 0.01,
  failureThreshold: 2,
};
