// Span id generator that hands out a run's deterministic root ids when the run's root span is recorded, random ids otherwise.
import { AsyncLocalStorage } from 'node:async_hooks';
import { IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace';
import { RunTraceIds } from './run-trace';

export class RunRootIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private readonly override = new AsyncLocalStorage<RunTraceIds>();

  generateTraceId(): string {
    return this.override.getStore()?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.override.getStore()?.rootSpanId ?? this.random.generateSpanId();
  }

  /** Runs `fn` (which must start exactly one root span) with the given ids. */
  withIds<T>(ids: RunTraceIds, fn: () => T): T {
    return this.override.run(ids, fn);
  }
}
