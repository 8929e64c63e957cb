// The file-backed inbox store survives a restart (same replays refused, same folding) and ignores a torn last line.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalChangeReportedData } from '@dco/contracts';
import { FileExternalReportStore } from './external-report.store';

const report = (reportId: string): ExternalChangeReportedData => ({
  producerId: 'security-feed',
  reportId,
  reportedAt: '2026-11-25T10:00:00Z',
  change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE fix' },
  urgent: false,
  signature: 'a'.repeat(64),
});

describe('FileExternalReportStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dco-inbox-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps accepted reports, replays and folding across a restart', async () => {
    const path = join(dir, 'inbox', 'external-reports.jsonl');
    const first = new FileExternalReportStore(path);
    expect(await first.accept(report('r-1'), new Date('2026-11-25T10:00:01Z'))).toBe('accepted');
    expect(await first.accept(report('r-2'), new Date('2026-11-25T10:00:02Z'))).toBe('accepted');
    await first.markFolded('2026-11-26', await first.pendingFor('2026-11-26'));
    await appendFile(path, '{"op":"accept","report":{"produ');

    const restarted = new FileExternalReportStore(path);
    await restarted.open();
    expect(restarted.isKnown(report('r-1'))).toBe(true);
    expect(await restarted.accept(report('r-1'), new Date())).toBe('replayed');
    expect(await restarted.pendingFor('2026-11-27')).toEqual([]);
    expect((await restarted.pendingFor('2026-11-26')).map((stored) => stored.report.reportId)).toEqual(['r-1', 'r-2']);

    expect(await restarted.accept(report('r-3'), new Date('2026-11-26T10:00:00Z'))).toBe('accepted');
    const again = new FileExternalReportStore(path);
    expect((await again.pendingFor('2026-11-27')).map((stored) => stored.report.reportId)).toEqual(['r-3']);
  });
});
