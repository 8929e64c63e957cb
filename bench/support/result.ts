// The benchmark result format of ARCHITECTURE.md section 10, host facts, percentiles, progress output and the writer.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface HostInfo {
  cpus: number;
  memGiB: number;
  node: string;
}

export interface BenchResult {
  bench: string;
  at: string;
  host: HostInfo;
  /** `<metric>_<unit>`: what was measured. */
  metrics: Record<string, number>;
  /** The same metrics for the baseline, measured in the same run. */
  baseline: Record<string, number>;
  /** `<metric>`: metric / baseline (or another ratio the bench names), rounded. */
  ratios: Record<string, number>;
  /** Anything else worth keeping with the numbers (parameters, targets). */
  [extra: string]: unknown;
}

export function hostInfo(): HostInfo {
  return { cpus: cpus().length, memGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** A monotonic clock in seconds, for timing phases. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e9;

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A one-line progress indicator on stderr, rewritten in place. */
export function progress(label: string, done: number, total: number): void {
  const width = 24;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  process.stderr.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`,
  );
}

export function benchResult(
  bench: string,
  parts: Pick<BenchResult, 'metrics' | 'baseline' | 'ratios'> & Record<string, unknown>,
): BenchResult {
  return { bench, at: new Date().toISOString(), host: hostInfo(), ...parts };
}

/** Writes bench/results/<bench>.json and returns its path. */
export async function writeResult(result: BenchResult, dir = join(__dirname, '..', 'results')): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${result.bench}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
