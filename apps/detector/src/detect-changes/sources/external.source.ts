// external: changes reported by external systems (authenticated by the inbox) since the last run.
import { Change } from '@dco/contracts';
import { ChangeSource, DetectionContext } from '../change-source.port';
import { ExternalReportStore } from '../../external-inbox/external-report.store';

export class ExternalSource implements ChangeSource {
  readonly name = 'external';

  constructor(private readonly store: ExternalReportStore) {}

  async detect(context: DetectionContext): Promise<Change[]> {
    const pending = await this.store.pendingFor(context.day);
    await this.store.markFolded(context.day, pending);
    return pending.map(({ report }) => ({
      ...report.change,
      kind: 'external' as const,
      reason: `${report.producerId} report ${report.reportId}: ${report.change.reason}`.slice(0, 1000),
    }));
  }
}
