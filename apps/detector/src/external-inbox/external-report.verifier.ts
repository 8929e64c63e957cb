// Decides whether an ExternalChangeReported may enter: known producer, valid signature, not a replay. Used as the bus
// subscription's accept hook (rejects are dead-lettered with the code) and by the HTTP endpoint for its answer.
import { AnyMessage, ExternalChangeReportedData, MessageRejection } from '@dco/contracts';
import { ExternalReportStore } from './external-report.store';
import { signatureMatches } from './external-signature';

export class ExternalReportVerifier {
  constructor(
    private readonly keys: Map<string, Buffer>,
    private readonly store: Pick<ExternalReportStore, 'isKnown'>,
  ) {}

  /** Checks the data of an already schema-validated report. */
  verify(data: ExternalChangeReportedData): MessageRejection | undefined {
    const key = this.keys.get(data.producerId);
    if (!key)
      return new MessageRejection('MSG.UNKNOWN_PRODUCER', `producer ${data.producerId} has no key (DCO_EXTERNAL_KEYS)`);
    if (!signatureMatches(data as unknown as Record<string, unknown>, key)) {
      return new MessageRejection(
        'MSG.BAD_SIGNATURE',
        `signature of report ${data.reportId} from ${data.producerId} does not match`,
      );
    }
    if (this.store.isKnown(data))
      return new MessageRejection(
        'MSG.REPLAYED',
        `report ${data.reportId} from ${data.producerId} was already accepted`,
      );
    return undefined;
  }

  /** The bus accept hook: only ExternalChangeReported is checked. */
  accept = (message: AnyMessage): MessageRejection | undefined =>
    message.type === 'ExternalChangeReported' ? this.verify(message.data) : undefined;
}
