// The object-backed report store keeps the inbox's semantics (replays, folding, restart) on any ObjectStore.
import { ExternalChangeReportedData } from '@dco/contracts';
import { InMemoryObjectStore } from '@dco/aws';
import { ObjectExternalReportStore } from './object-external-report.store';

const report = (reportId: string): ExternalChangeReportedData => ({
  producerId: 'security-feed',
  reportId,
  reportedAt: '2026-11-25T10:00:00Z',
  change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE fix' },
  urgent: false,
  signature: 'a'.repeat(64),
});

describe('ObjectExternalReportStore', () => {
  it('keeps accepted reports, replays and folding across a restart', async () => {
    const objects = new InMemoryObjectStore();
    const first = new ObjectExternalReportStore(objects);
    expect(await first.accept(report('r-1'), new Date('2026-11-25T10:00:01Z'))).toBe('accepted');
    expect(await first.accept(report('.r_2:x'), new Date('2026-11-25T10:00:02Z'))).toBe('accepted');
    await first.markFolded('2026-11-26', await first.pendingFor('2026-11-26'));

    const restarted = new ObjectExternalReportStore(objects);
    expect(restarted.isKnown(report('r-1'))).toBe(false);
    await restarted.open();
    expect(restarted.isKnown(report('r-1'))).toBe(true);
    expect(restarted.isKnown(report('.r_2:x'))).toBe(true);
    expect(await restarted.accept(report('r-1'), new Date())).toBe('replayed');
    expect(await restarted.pendingFor('2026-11-27')).toEqual([]);
    expect((await restarted.pendingFor('2026-11-26')).map((stored) => stored.report.reportId)).toEqual([
      'r-1',
      '.r_2:x',
    ]);
  });

  it('leaves a report folded into the day that folded it first', async () => {
    const store = new ObjectExternalReportStore(new InMemoryObjectStore());
    await store.accept(report('r-1'), new Date('2026-11-25T10:00:01Z'));
    const pending = await store.pendingFor('2026-11-26');
    await store.markFolded('2026-11-26', pending);
    await store.markFolded('2026-11-27', pending);
    expect((await store.pendingFor('2026-11-26'))[0].foldedInto).toBe('2026-11-26');
    expect(await store.pendingFor('2026-11-27')).toEqual([]);
  });
});
