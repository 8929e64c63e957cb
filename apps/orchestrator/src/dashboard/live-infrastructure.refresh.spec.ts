// LiveInfrastructureRefresh: one read at a time, a page load reads again only after the minimum gap, failures reported.
import { LiveInfrastructureRead } from './live-infrastructure';
import { LiveInfrastructureRefresh } from './live-infrastructure.refresh';

const read = (readAt: string): LiveInfrastructureRead => ({ readAt, pointerLocation: 'memory', errors: [] });

class GatedReader {
  reads = 0;
  private release?: () => void;
  read(): Promise<LiveInfrastructureRead> {
    this.reads += 1;
    return new Promise((resolve) => (this.release = () => resolve(read(`t${this.reads}`))));
  }
  finish(): void {
    this.release?.();
  }
}

describe('LiveInfrastructureRefresh', () => {
  it('joins a running read, and lets a page load start one only when the last began longer ago than the gap', async () => {
    let now = 0;
    const reader = new GatedReader();
    const applied: string[] = [];
    const refresh = new LiveInfrastructureRefresh(reader, (r) => applied.push(r.readAt), {
      intervalMs: 60_000,
      minGapMs: 5_000,
      now: () => now,
    });
    const first = refresh.refresh();
    refresh.requested();
    expect(refresh.refresh()).toBe(first);
    expect(reader.reads).toBe(1);
    reader.finish();
    await first;
    expect(applied).toEqual(['t1']);

    now = 4_000;
    refresh.requested();
    expect(reader.reads).toBe(1);
    now = 5_000;
    refresh.requested();
    expect(reader.reads).toBe(2);
    reader.finish();
    await refresh.stop();
    expect(applied).toEqual(['t1', 't2']);
  });

  it('reports a read it could not apply and keeps going', async () => {
    const errors: unknown[] = [];
    const refresh = new LiveInfrastructureRefresh(
      { read: async () => read('t1') },
      () => {
        throw new Error('fold failed');
      },
      { intervalMs: 60_000, minGapMs: 0, onError: (error) => errors.push(error) },
    );
    await refresh.refresh();
    await refresh.refresh();
    expect(errors.map((error) => (error as Error).message)).toEqual(['fold failed', 'fold failed']);
  });
});
