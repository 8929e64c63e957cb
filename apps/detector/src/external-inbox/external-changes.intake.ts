// The front door of the inbox (POST /api/external-changes and the CloudEvents Kafka binding): answers at once with a coded
// verdict and forwards an accepted report to the ExternalChangeReported topic, where the inbox consumer is the single
// place that stores reports (ADR 0007). A refused body never reaches Kafka: an unauthenticated sender cannot fill the
// topic or its DLQ.
import { Clock, IdGenerator, MessageRejectionCode, createMessage, parseObject, runIdOf } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CloudEventReading } from './external-cloud-event';
import { DEFAULT_REPORT_MAX_AGE_MS, ExternalReportVerifier } from './external-report.verifier';

/** A report is a few hundred bytes (its fields are length-limited to about 2.5 kB); anything near this is not one. */
export const MAX_EXTERNAL_REPORT_BYTES = 16 * 1024;

export interface IntakeAnswer {
  status: number;
  body: { accepted: true; reportId: string } | { accepted: false; code: MessageRejectionCode; message: string };
}

const STATUS_BY_CODE: Partial<Record<MessageRejectionCode, number>> = {
  'MSG.TOO_LARGE': 413,
  'MSG.INVALID_JSON': 400,
  'MSG.VALIDATION_FAILED': 400,
  'MSG.NOT_AN_ENVELOPE': 400,
  'MSG.BAD_SIGNATURE': 401,
  'MSG.UNKNOWN_PRODUCER': 403,
  'MSG.REPLAYED': 409,
  'MSG.STALE_REPORT': 400,
  'CE.MISSING_SIGNATURE': 401,
};

export class ExternalChangesIntake {
  constructor(
    private readonly bus: MessageBus,
    private readonly verifier: ExternalReportVerifier,
    private readonly deps: { clock: Clock; ids: IdGenerator },
    private readonly limits: { maxBytes: number; maxAgeMs: number } = {
      maxBytes: MAX_EXTERNAL_REPORT_BYTES,
      maxAgeMs: DEFAULT_REPORT_MAX_AGE_MS,
    },
  ) {}

  async receive(body: unknown, sizeBytes: number): Promise<IntakeAnswer> {
    if (sizeBytes > this.limits.maxBytes)
      return reject('MSG.TOO_LARGE', `report is ${sizeBytes} bytes, the limit is ${this.limits.maxBytes}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return reject('MSG.INVALID_JSON', 'the body must be a JSON object');

    const day = this.deps.clock.now().toISOString().slice(0, 10);
    const message = createMessage(
      'ExternalChangeReported',
      body as never,
      { runId: runIdOf(day), producer: 'external' },
      this.deps,
    );
    // The verdict is taken before the report is forwarded: once it is on the topic, the inbox consumer may store it
    // before publish() returns here, and a first report would then look like its own replay (409).
    const answer = this.verdict(message);
    if (answer.body.accepted) await this.bus.publish(message);
    return answer;
  }

  /** A report that came as a CloudEvent: refused with its CE.* code when the event does not carry one. */
  async receiveCloudEvent(reading: CloudEventReading, sizeBytes: number): Promise<IntakeAnswer> {
    return reading.ok ? this.receive(reading.report, sizeBytes) : reject(reading.code, reading.message);
  }

  private verdict(message: object): IntakeAnswer {
    const parsed = parseObject(JSON.parse(JSON.stringify(message)));
    if (!parsed.ok) return reject(parsed.error.code, parsed.error.message);
    if (parsed.message.type !== 'ExternalChangeReported')
      return reject('MSG.VALIDATION_FAILED', 'not an external change report');
    const rejection = this.verifier.verifyFresh(parsed.message.data, this.deps.clock, this.limits.maxAgeMs);
    if (rejection) return reject(rejection.code, rejection.message);
    return { status: 202, body: { accepted: true, reportId: parsed.message.data.reportId } };
  }
}

function reject(code: MessageRejectionCode, message: string): IntakeAnswer {
  return { status: STATUS_BY_CODE[code] ?? 400, body: { accepted: false, code, message } };
}
