// The shared benchmark result helpers: nearest-rank percentiles, rounding, and the JSON file the benches commit.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchResult, percentile, round, writeResult } from './result';

describe('bench result helpers', () => {
  it('takes nearest-rank percentiles of unsorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 0), percentile([], 50)]).toEqual([
      5,
      10,
      1,
      NaN,
    ]);
  });

  it('rounds to the given digits', () => {
    expect([round(1.23456), round(1.23456, 1)]).toEqual([1.235, 1.2]);
  });

  it('writes bench/results/<bench>.json in the ARCHITECTURE section 10 format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-result-'));
    try {
      const result = benchResult('sample', { metrics: { x_ms: 2 }, baseline: { x_ms: 4 }, ratios: { x: 0.5 } });
      const file = await writeResult(result, dir);
      const written = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(file).toBe(join(dir, 'sample.json'));
      expect(written).toEqual({
        bench: 'sample',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        host: { cpus: expect.any(Number), memGiB: expect.any(Number), node: process.version },
        metrics: { x_ms: 2 },
        baseline: { x_ms: 4 },
        ratios: { x: 0.5 },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
