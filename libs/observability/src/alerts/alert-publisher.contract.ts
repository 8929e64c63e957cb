// Contract every AlertPublisher satisfies; run against the in-memory fake (unit) and EventBridge on moto (integration).
import { fixtureMessage } from '@dco/contracts';
import { ALERT_SOURCE, AlertMessage, AlertPublisher } from './alert-publisher.port';

/** One alert as the operators' channel received it. */
export interface ReceivedAlert {
  source: string;
  detailType: string;
  detail: Record<string, string>;
}

export interface AlertPublisherUnderTest {
  publisher: AlertPublisher;
  /** Waits until at least `count` alerts arrived (or the deadline passed) and returns all received so far. */
  received(count: number, deadlineMs: number): Promise<ReceivedAlert[]>;
}

export function alertFixture(dedupeKey: string, overrides: Partial<AlertMessage['data']> = {}): AlertMessage {
  return fixtureMessage('AlertRaised', {
    runId: 'dco-2026-11-26',
    data: {
      severity: 'critical',
      cause: 'STEP_FAILED',
      dedupeKey,
      summary: `apply-infra failed (${dedupeKey})`,
      ...overrides,
    },
  });
}

export function describeAlertPublisherContract(name: string, setup: () => Promise<AlertPublisherUnderTest>): void {
  describe(`AlertPublisher contract: ${name}`, () => {
    it('delivers an alert with source dco.autopilot, the cause as detail type and the alert as detail', async () => {
      const subject = await setup();
      const key = `contract-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      const alert = alertFixture(key, { detail: 'tofu apply exited 1' });
      const delivery = await subject.publisher.publish(alert);
      expect(delivery.status).toBe('published');
      expect(delivery.deliveryId).toEqual(expect.any(String));
      const received = (await subject.received(1, 10_000)).filter((entry) => entry.detail.dedupeKey === key);
      expect(received).toHaveLength(1);
      expect(received[0]).toEqual({
        source: ALERT_SOURCE,
        detailType: 'STEP_FAILED',
        detail: expect.objectContaining({
          runId: 'dco-2026-11-26',
          eventId: alert.eventId,
          severity: 'critical',
          cause: 'STEP_FAILED',
          dedupeKey: key,
          summary: `apply-infra failed (${key})`,
          detail: 'tofu apply exited 1',
        }),
      });
    });
  });
}
