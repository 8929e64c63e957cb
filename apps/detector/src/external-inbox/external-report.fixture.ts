// An unsigned external change report of the security feed, fresh reportId each time: what the inbox specs sign and send.
import { randomUUID } from 'node:crypto';

export function unsignedReport(overrides: Record<string, unknown> = {}) {
  return {
    producerId: 'security-feed',
    reportId: `r-${randomUUID()}`,
    reportedAt: '2026-11-26T06:59:00Z',
    change: {
      kind: 'external',
      subject: 'openssl',
      from: '3.0.1',
      to: '3.0.15',
      risk: 'high',
      reason: 'CVE-2026-0001',
    },
    urgent: false,
    ...overrides,
  };
}
