// Keeps an authenticated external change report for the next detection, or starts a run now when it is urgent.
import { Clock, Envelope, IdGenerator, MessageOf, createMessage, runIdOf } from '@dco/contracts';
import { ExternalReportStore } from './external-report.store';

export interface ExternalInboxOutcome {
  status: 'accepted' | 'replayed';
  /** RunRequested for an urgent report: published atomically with the consumed offset. */
  messages: Envelope[];
}

export class ExternalInboxHandler {
  constructor(
    private readonly store: ExternalReportStore,
    private readonly deps: { clock: Clock; ids: IdGenerator; timeZoneDay?: (now: Date) => string },
  ) {}

  async handle(message: MessageOf<'ExternalChangeReported'>): Promise<ExternalInboxOutcome> {
    const now = this.deps.clock.now();
    const status = await this.store.accept(message.data, now);
    // A replay that slipped past the accept hook (two copies in flight) is dropped here: accepted once, acted on once.
    if (status === 'replayed' || !message.data.urgent) return { status, messages: [] };
    const day = (this.deps.timeZoneDay ?? ((date: Date) => date.toISOString().slice(0, 10)))(now);
    const request = createMessage(
      'RunRequested',
      {
        day,
        reason:
          `urgent external change ${message.data.reportId} from ${message.data.producerId}: ${message.data.change.subject}`.slice(
            0,
            500,
          ),
        requestedBy: `external:${message.data.producerId}`.slice(0, 200),
      },
      { runId: runIdOf(day), producer: 'detector', causedBy: message },
      this.deps,
    );
    return { status, messages: [request] };
  }
}
