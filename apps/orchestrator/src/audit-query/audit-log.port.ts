// The AuditLog port: reads back the retained AuditRecorded topic the saga writes in its transactions (ADR 0028).
import { AnyMessage } from '@dco/contracts';

export interface AuditLog {
  /** Every retained, committed AuditRecorded message that `keep` accepts (called once per record, in topic order). */
  read(keep: (message: AnyMessage) => boolean): Promise<AnyMessage[]>;
}

export const AUDIT_LOG = Symbol('AuditLog');

/** The audit topic (before the bus's prefix): the message type's own topic. */
export const AUDIT_TOPIC = 'AuditRecorded';
