// Decides whether an ExternalChangeReported may enter: known producer, valid signature (with the key it names, or any of
// the producer's keys), fresh, not a replay. Used as the bus subscription's accept hook (rejects are dead-lettered with
// the code) and by the intake for its answer.
import { AnyMessage, Clock, ExternalChangeReportedData, MessageRejection } from '@dco/contracts';
import { ExternalReportStore } from './external-report.store';
import { ProducerKey, signatureMatches } from './external-signature';

/** How far a report's reportedAt may be from the intake's clock, either way, by default. */
export const DEFAULT_REPORT_MAX_AGE_MS = 5 * 60_000;

export class ExternalReportVerifier {
  constructor(
    private readonly keys: Map<string, ProducerKey[]>,
    private readonly store: Pick<ExternalReportStore, 'isKnown'>,
  ) {}

  /** Checks the data of an already schema-validated report: who signed it, then whether it was seen before. */
  verify(data: ExternalChangeReportedData): MessageRejection | undefined {
    const keys = this.keys.get(data.producerId);
    if (!keys)
      return new MessageRejection('MSG.UNKNOWN_PRODUCER', `producer ${data.producerId} has no key (DCO_EXTERNAL_KEYS)`);
    const candidates = data.keyId === undefined ? keys : keys.filter((key) => key.keyId === data.keyId);
    const signed = candidates.some((candidate) =>
      signatureMatches(data as unknown as Record<string, unknown>, candidate.key),
    );
    if (!signed) {
      return new MessageRejection(
        'MSG.BAD_SIGNATURE',
        candidates.length === 0
          ? `producer ${data.producerId} has no key ${data.keyId} (DCO_EXTERNAL_KEYS)`
          : `signature of report ${data.reportId} from ${data.producerId} does not match`,
      );
    }
    if (this.store.isKnown(data))
      return new MessageRejection(
        'MSG.REPLAYED',
        `report ${data.reportId} from ${data.producerId} was already accepted`,
      );
    return undefined;
  }

  /**
   * verify, and a reportedAt within maxAgeMs of now (either way): a captured report cannot be sent again with a new
   * reportId once its window has passed, and a report delayed for long (or from a producer with a wrong clock) is refused.
   */
  verifyFresh(data: ExternalChangeReportedData, clock: Clock, maxAgeMs: number): MessageRejection | undefined {
    const rejection = this.verify(data);
    if (rejection?.code !== 'MSG.BAD_SIGNATURE' && rejection?.code !== 'MSG.UNKNOWN_PRODUCER') {
      const skewMs = Math.abs(clock.now().getTime() - Date.parse(data.reportedAt));
      if (skewMs > maxAgeMs)
        return new MessageRejection(
          'MSG.STALE_REPORT',
          `report ${data.reportId} was reported at ${data.reportedAt}, ${Math.round(skewMs / 1000)} s from now; the window is ${Math.round(maxAgeMs / 1000)} s`,
        );
    }
    return rejection;
  }

  /** The bus accept hook: only ExternalChangeReported is checked (its freshness was checked at the intake). */
  accept = (message: AnyMessage): MessageRejection | undefined =>
    message.type === 'ExternalChangeReported' ? this.verify(message.data) : undefined;
}
