// Dead-letter listing and re-driving on the in-memory broker (embedded profile, unit tests).
import { dlqTopicOf } from '@dco/contracts';
import {
  DeadLetterEntry,
  DeadLetterQueue,
  RedriveFilter,
  eventIdOf,
  matchesFilter,
  redriveHeaders,
} from './dead-letter-queue.port';
import { InMemoryBroker } from './in-memory-broker';
import { toDeadLetter, topicFor } from './wire-record';

export class InMemoryDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly broker: InMemoryBroker,
    private readonly topicPrefix = '',
  ) {}

  async list(type: string, options: { limit?: number } = {}): Promise<DeadLetterEntry[]> {
    const entries = this.broker.records(dlqTopicOf(topicFor(type, this.topicPrefix))).map((record) => ({
      ...toDeadLetter(record),
      key: record.key,
      partition: record.partition,
      offset: String(record.offset),
      eventId: eventIdOf(record.value),
    }));
    return entries.slice(0, options.limit ?? entries.length);
  }

  async redrive(type: string, filter: RedriveFilter): Promise<DeadLetterEntry[]> {
    const dlqTopic = dlqTopicOf(topicFor(type, this.topicPrefix));
    const chosen = (await this.list(type)).filter((entry) => matchesFilter(entry, filter));
    this.broker.append(
      chosen.map((entry) => ({
        topic: topicFor(type, this.topicPrefix),
        key: entry.key,
        value: entry.value,
        headers: redriveHeaders(entry, dlqTopic),
      })),
    );
    return chosen;
  }

  async close(): Promise<void> {}
}
