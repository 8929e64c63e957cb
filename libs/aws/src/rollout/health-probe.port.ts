// How a rollout judges a service's health: the service's own health endpoint and its error rate, one sample at a time.

export interface HealthTarget {
  /** The ECS service name (the canary has its own, <service>-canary). */
  service: string;
}

export interface HealthSample {
  healthy: boolean;
  /** Failed / all requests since the previous sample of this target, 0..1; undefined when no traffic was seen. */
  errorRate?: number;
  detail: string;
}

export interface HealthProbe {
  sample(target: HealthTarget): Promise<HealthSample>;
}
