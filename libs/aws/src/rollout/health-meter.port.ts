// How a rollout or migration measures a service's health over a window, to compare after an update with before (ADR 0025).
import { HealthMeasurement } from '@dco/contracts';

export interface HealthMeter {
  /** The service's health over the next windowMs; undefined when the service's metrics cannot be read. */
  measure(service: string, windowMs: number): Promise<HealthMeasurement | undefined>;
}
