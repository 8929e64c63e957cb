// AuditQuery: the day's audit trail (optionally one run's) for the API, the CLI and the dashboard.
import { Inject, Injectable } from '@nestjs/common';
import { dayOfRunId } from '@dco/contracts';
import { AUDIT_LOG, AuditLog } from './audit-log.port';
import { AuditEntryView, AuditFilter, auditOfDay } from './audit-entry.view';

@Injectable()
export class AuditQuery {
  constructor(@Inject(AUDIT_LOG) private readonly log: AuditLog) {}

  async ofDay(filter: AuditFilter): Promise<AuditEntryView[]> {
    const messages = await this.log.read((message) =>
      filter.runId ? message.runId === filter.runId : dayOfRunId(message.runId) === filter.day,
    );
    return auditOfDay(messages, filter);
  }
}
