// This orchestrator's role (active or standby) as the API guard, /health and /metrics see it; the saga service sets it.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DcoMetrics } from '@dco/observability';
import { ORCHESTRATOR_LEASE, OrchestratorLease } from './orchestrator-lease';

export type OrchestratorRole = 'active' | 'standby';

/** How long a standby trusts its last look-up of the active's name. */
const HOLDER_CACHE_MS = 2_000;

@Injectable()
export class Leadership {
  private current: OrchestratorRole = 'standby';
  private readonly gauge?: Gauge;
  private holderLookup?: { at: number; name: Promise<string | undefined> };

  constructor(
    @Inject(ORCHESTRATOR_LEASE) private readonly lease: OrchestratorLease,
    @Optional() metrics?: DcoMetrics,
  ) {
    if (metrics) {
      const existing = metrics.registry.getSingleMetric('dco_orchestrator_active');
      this.gauge =
        (existing as Gauge | undefined) ??
        new Gauge({
          name: 'dco_orchestrator_active',
          help: '1 while this orchestrator holds the lease and runs the saga, 0 while it is a standby.',
          registers: [metrics.registry],
        });
      this.gauge.set(0);
    }
  }

  get role(): OrchestratorRole {
    return this.current;
  }

  get name(): string {
    return this.lease.name;
  }

  set(role: OrchestratorRole): void {
    this.current = role;
    this.holderLookup = undefined;
    this.gauge?.set(role === 'active' ? 1 : 0);
  }

  /** The active orchestrator's name: this one's, or the lease group's holder (undefined if unknown or slow to answer). */
  async activeName(): Promise<string | undefined> {
    if (this.current === 'active') return this.lease.name;
    if (!this.holderLookup || Date.now() - this.holderLookup.at > HOLDER_CACHE_MS) {
      const lookup = this.lease.holder().catch(() => undefined);
      const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_500).unref());
      this.holderLookup = { at: Date.now(), name: Promise.race([lookup, timeout]) };
    }
    return this.holderLookup.name;
  }
}
