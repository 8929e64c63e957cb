// The inbox's bus subscription: the verifier as accept hook (rejects are dead-lettered with their code), the handler
// storing accepted reports and answering urgent ones with RunRequested, atomically with the offset.
import { MessageOf } from '@dco/contracts';
import { MessageBus, Subscription, SubscriptionHandle } from '@dco/messaging';
import { ExternalInboxHandler } from './external-inbox.handler';
import { ExternalReportStore } from './external-report.store';
import { ExternalReportVerifier } from './external-report.verifier';

export class ExternalInboxConsumer {
  private handle?: SubscriptionHandle;

  constructor(
    private readonly bus: MessageBus,
    private readonly store: ExternalReportStore,
    private readonly verifier: ExternalReportVerifier,
    private readonly handler: ExternalInboxHandler,
    private readonly group = 'detector.external-inbox',
  ) {}

  subscription(): Subscription {
    return {
      group: this.group,
      types: ['ExternalChangeReported'],
      accept: this.verifier.accept,
      handler: async (message) => {
        const outcome = await this.handler.handle(message as MessageOf<'ExternalChangeReported'>);
        return { messages: outcome.messages };
      },
    };
  }

  async start(): Promise<void> {
    await this.store.open();
    await this.bus.ensureTopics(['ExternalChangeReported', 'RunRequested']);
    this.handle = await this.bus.subscribe(this.subscription());
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }
}
