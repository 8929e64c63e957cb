// The DetectChanges use case: parallel sources, timeouts, and the failure policy.
import { Change, CodedError } from '@dco/contracts';
import { ChangeSource } from './change-source.port';
import { DetectChangesHandler } from './detect-changes.handler';

const clock = { now: () => new Date('2026-11-26T06:00:00Z') };
const change: Change = { kind: 'dependency', subject: 'pino', to: '9.14.0', risk: 'low', reason: 'new' };

const source = (name: string, detect: ChangeSource['detect']): ChangeSource => ({ name, detect });
const never = () => new Promise<Change[]>(() => undefined);

describe('DetectChangesHandler', () => {
  it('collects the changes of every source with one report each', async () => {
    const handler = new DetectChangesHandler(
      [source('dependency', async () => [change]), source('external', async () => [])],
      clock,
    );
    const result = await handler.execute('2026-11-26');
    expect(result.changes).toEqual([change]);
    expect(result.sources.map((report) => [report.source, report.status])).toEqual([
      ['dependency', 'ok'],
      ['external', 'ok'],
    ]);
  });

  it('reports a failing or hanging optional source and keeps the others', async () => {
    const handler = new DetectChangesHandler(
      [
        source('dependency', async () => [change]),
        source('neo4j-ami', async () => {
          throw new CodedError('DETECT.AMI_FILTER_EMPTY', 'no AMI');
        }),
        source('external', never),
      ],
      clock,
      { sourceTimeoutMs: 50, requiredSources: [] },
    );
    const result = await handler.execute('2026-11-26');
    expect(result.changes).toEqual([change]);
    expect(result.sources).toEqual([
      expect.objectContaining({ source: 'dependency', status: 'ok' }),
      expect.objectContaining({ source: 'neo4j-ami', status: 'failed', error: 'DETECT.AMI_FILTER_EMPTY: no AMI' }),
      expect.objectContaining({ source: 'external', status: 'failed', error: expect.stringContaining('timed out') }),
    ]);
  });

  it('aborts the work of a source that ran out of time', async () => {
    let signal: AbortSignal | undefined;
    const slow = source('terraform-config', (context) => {
      signal = context.signal;
      return never();
    });
    await new DetectChangesHandler([slow, source('dependency', async () => [])], clock, {
      sourceTimeoutMs: 20,
      requiredSources: [],
    }).execute('2026-11-26');
    expect(signal?.aborted).toBe(true);
  });

  it('fails with DETECT.SOURCE_FAILED when a required source fails', async () => {
    const handler = new DetectChangesHandler(
      [
        source('dependency', async () => [change]),
        source('terraform-config', async () => {
          throw new Error('tofu crashed');
        }),
      ],
      clock,
      { sourceTimeoutMs: 1000, requiredSources: ['terraform-config'] },
    );
    await expect(handler.execute('2026-11-26')).rejects.toMatchObject({
      code: 'DETECT.SOURCE_FAILED',
      detail: expect.stringContaining('tofu crashed'),
    });
  });

  it('fails when every source fails', async () => {
    const handler = new DetectChangesHandler(
      [
        source('a', async () => {
          throw new Error('down');
        }),
      ],
      clock,
    );
    await expect(handler.execute('2026-11-26')).rejects.toMatchObject({ code: 'DETECT.SOURCE_FAILED' });
  });
});
