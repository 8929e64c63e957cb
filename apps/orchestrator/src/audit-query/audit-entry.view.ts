// The read model of the audit trail (ADR 0028): one entry as the API, the CLI and the dashboard show it, and the day's order.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_KINDS, AnyMessage, MessageOf, dayOfRunId } from '@dco/contracts';

export class AuditEntryView {
  @ApiProperty({ description: 'the AuditRecorded eventId' }) eventId!: string;
  @ApiProperty({ example: 'dco-2026-11-26' }) runId!: string;
  @ApiProperty({ example: '2026-11-26T06:00:01.000Z' }) at!: string;
  @ApiProperty({ enum: AUDIT_KINDS }) kind!: string;
  @ApiProperty({ example: 'alice', description: "a credential's name for an operator's decision, else a service" })
  actor!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ example: 'ApprovalGranted' }) cause!: string;
  @ApiPropertyOptional({ description: 'eventId of the message that caused the entry' }) causationId?: string;
  @ApiProperty({ description: "the run's version after the transition" }) version!: number;
  @ApiProperty() seq!: number;
  @ApiPropertyOptional() step?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() planId?: string;
  @ApiPropertyOptional() from?: string;
  @ApiPropertyOptional() to?: string;
  @ApiPropertyOptional() code?: string;
}

export function toAuditView(message: MessageOf<'AuditRecorded'>): AuditEntryView {
  return {
    eventId: message.eventId,
    runId: message.runId,
    at: message.occurredAt,
    ...(message.causationId ? { causationId: message.causationId } : {}),
    ...message.data,
  };
}

export interface AuditFilter {
  day: string;
  runId?: string;
}

/**
 * The entries of one day (of the runs of that day, whenever they were written), optionally of one run: in run order,
 * then in the order the saga made them (version, then position); each eventId once.
 */
export function auditOfDay(messages: Iterable<AnyMessage>, filter: AuditFilter): AuditEntryView[] {
  const byId = new Map<string, AuditEntryView>();
  for (const message of messages) {
    if (message.type !== 'AuditRecorded' || byId.has(message.eventId)) continue;
    if (filter.runId ? message.runId !== filter.runId : dayOfRunId(message.runId) !== filter.day) continue;
    byId.set(message.eventId, toAuditView(message));
  }
  return [...byId.values()]
    .filter((entry) => dayOfRunId(entry.runId) === filter.day)
    .sort(
      (a, b) => a.runId.localeCompare(b.runId) || a.version - b.version || a.seq - b.seq || a.at.localeCompare(b.at),
    );
}
