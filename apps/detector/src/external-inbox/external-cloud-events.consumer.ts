// The Kafka binding of external change reports: CloudEvents (binary or structured) that external producers write to
// the ExternalChangeCloudEvents topic go through the same intake as HTTP ones, into ExternalChangeReported. A record
// that carries no report (a CE.* refusal) goes unchanged to the topic's .dlq with its code, as the bus does with its own.
import { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { dlqTopicOf } from '@dco/contracts';
import { createTopicsAndWait, deadLetterRecord } from '@dco/messaging';
import { ExternalChangesIntake } from './external-changes.intake';
import { readKafkaCloudEvent } from './external-cloud-event';

/** Topic (after the namespace prefix) that external producers write CloudEvents to. */
export const EXTERNAL_CLOUD_EVENTS_TOPIC = 'ExternalChangeCloudEvents';

export interface ExternalCloudEventsOptions {
  kafka: Kafka;
  groupId: string;
  topicPrefix?: string;
  partitions?: number;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, (Array.isArray(value) ? value[0] : value).toString()]],
    ),
  );

export class ExternalCloudEventsConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  readonly topic: string;

  constructor(
    private readonly intake: ExternalChangesIntake,
    private readonly options: ExternalCloudEventsOptions,
  ) {
    this.topic = `${options.topicPrefix ?? ''}${EXTERNAL_CLOUD_EVENTS_TOPIC}`;
  }

  async start(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [this.topic, dlqTopicOf(this.topic)].filter((topic) => !existing.has(topic));
      await createTopicsAndWait(
        admin,
        missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 1, replicationFactor: 1 })),
      );
    } finally {
      await admin.disconnect();
    }
    this.producer = this.options.kafka.producer({ idempotent: true });
    await this.producer.connect();
    this.consumer = this.options.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    // The offset is committed after eachMessage returns: at least once, and the report store drops a replay.
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = headerText(message.headers);
        const value = message.value?.toString('utf8');
        const reading = readKafkaCloudEvent({ headers, key: message.key ?? '', value, body: value });
        // A refused event (not a CloudEvent, badly signed, stale...) is dead-lettered here with its code: the intake
        // forwards only accepted reports to ExternalChangeReported.
        const answer = await this.intake.receiveCloudEvent(reading, message.value?.length ?? 0);
        if (answer.body.accepted) return;
        const record = {
          topic: this.topic,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers,
          partition,
          offset: message.offset,
        };
        const dead = deadLetterRecord(record, answer.body.code, answer.body.message);
        await this.producer?.send({
          topic: dead.topic,
          messages: [{ key: dead.key, value: dead.value, headers: dead.headers }],
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }
}
