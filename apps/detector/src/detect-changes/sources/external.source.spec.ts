// external: accepted reports fold into the next run once; a redelivered run for the same day sees them again.
import { ExternalChangeReportedData } from '@dco/contracts';
import { InMemoryExternalReportStore } from '../../external-inbox/external-report.store';
import { ExternalSource } from './external.source';

const report = (reportId: string): ExternalChangeReportedData => ({
  producerId: 'security-feed',
  reportId,
  reportedAt: '2026-11-25T10:00:00Z',
  change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE fix' },
  urgent: false,
  signature: '0'.repeat(64),
});

describe('ExternalSource', () => {
  it('folds accepted reports into one day only', async () => {
    const store = new InMemoryExternalReportStore();
    await store.accept(report('r-1'), new Date('2026-11-25T10:00:01Z'));
    const external = new ExternalSource(store);
    const first = await external.detect({ day: '2026-11-26', now: new Date() });
    expect(first).toEqual([
      expect.objectContaining({ kind: 'external', subject: 'openssl', reason: 'security-feed report r-1: CVE fix' }),
    ]);
    await expect(external.detect({ day: '2026-11-26', now: new Date() })).resolves.toHaveLength(1);
    await expect(external.detect({ day: '2026-11-27', now: new Date() })).resolves.toEqual([]);
  });

  it('reports nothing when nothing was accepted', async () => {
    await expect(
      new ExternalSource(new InMemoryExternalReportStore()).detect({ day: '2026-11-26', now: new Date() }),
    ).resolves.toEqual([]);
  });
});
