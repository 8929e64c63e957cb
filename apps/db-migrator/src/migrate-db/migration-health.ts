// Health of the services that use Neo4j (DCO_NEO4J_CONSUMER_SERVICES), measured before a migration and after its switch
// to green, and compared (ADR 0025): latency p99, error rate and, above all, their Neo4j query p99 on green vs blue.
import { HealthMeasurement, ServiceHealthComparison } from '@dco/contracts';
import { HealthComparisonPolicy, HealthMeter, compareHealth } from '@dco/aws';

export type HealthBaseline = Map<string, HealthMeasurement>;

export class MigrationHealthCheck {
  constructor(
    private readonly meter: HealthMeter,
    private readonly services: readonly string[],
    readonly policy: HealthComparisonPolicy,
  ) {}

  /** Every consumer service's health over the window, side by side; a service whose metrics cannot be read is left out. */
  async measure(): Promise<HealthBaseline> {
    const measured = new Map<string, HealthMeasurement>();
    if (this.policy.windowMs <= 0) return measured;
    await Promise.all(
      this.services.map(async (service) => {
        const measurement = await this.meter.measure(service, this.policy.windowMs);
        if (measurement) measured.set(service, measurement);
      }),
    );
    return measured;
  }

  /** Health now against the baseline, for the services measured both times. */
  async compare(baseline: HealthBaseline): Promise<ServiceHealthComparison[]> {
    if (baseline.size === 0) return [];
    const now = await this.measure();
    return [...baseline]
      .filter(([service]) => now.has(service))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([service, before]) =>
        compareHealth(service, before, now.get(service) as HealthMeasurement, this.policy.thresholds),
      );
  }
}
