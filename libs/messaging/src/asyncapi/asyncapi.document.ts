// The bus's machine-readable contract: an AsyncAPI 3.0 document generated from the contracts registry. One channel per
// message type (topic = type) and one per dead-letter topic; each message with its Kafka key, headers, envelope and
// data schema (from the data class's class-validator decorators) and its schema version.
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  ALL_MESSAGE_TYPES,
  EnvelopeHeader,
  MESSAGE_TYPES,
  MessageType,
  PRODUCERS,
  RUN_ID_PATTERN,
  TRACEPARENT_PATTERN,
  dlqTopicOf,
} from '@dco/contracts';
import { HEADERS } from '../message-bus.port';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the storage singleton is only exported from this path
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: NonNullable<
    Parameters<typeof validationMetadatasToSchemas>[0]
  >['classTransformerMetadataStorage'];
};

type Schema = Record<string, unknown>;
const SCHEMAS = '#/components/schemas/';
const KAFKA_BINDING_VERSION = '0.5.0';

const UUID = { type: 'string', format: 'uuid' };
const RUN_KEY = {
  type: 'string',
  pattern: RUN_ID_PATTERN.source,
  description: 'the runId: every message of a run lands on one partition, in order',
};

const WIRE_HEADERS: Schema = {
  type: 'object',
  required: [HEADERS.type, HEADERS.eventId],
  properties: {
    [HEADERS.type]: {
      type: 'string',
      description: 'the message type (also the topic, after an optional namespace prefix)',
    },
    [HEADERS.eventId]: { ...UUID, description: 'the eventId of the envelope, for deduplication without parsing' },
    [HEADERS.traceparent]: {
      type: 'string',
      pattern: TRACEPARENT_PATTERN.source,
      description: 'W3C trace context of the run',
    },
  },
};

const DEAD_LETTER_HEADERS: Schema = {
  allOf: [
    { $ref: `${SCHEMAS}WireHeaders` },
    {
      type: 'object',
      required: [
        HEADERS.dlqCode,
        HEADERS.dlqReason,
        HEADERS.dlqOriginalTopic,
        HEADERS.dlqOriginalPartition,
        HEADERS.dlqOriginalOffset,
      ],
      properties: {
        [HEADERS.dlqCode]: {
          type: 'string',
          description: 'why the record was rejected, a stable code such as MSG.VALIDATION_FAILED',
        },
        [HEADERS.dlqReason]: { type: 'string', maxLength: 2000 },
        [HEADERS.dlqOriginalTopic]: { type: 'string' },
        [HEADERS.dlqOriginalPartition]: { type: 'string', pattern: '^\\d+$' },
        [HEADERS.dlqOriginalOffset]: { type: 'string', pattern: '^\\d+$' },
        [HEADERS.dlqTruncated]: {
          type: 'string',
          const: 'MSG.DLQ_TRUNCATED',
          description: 'the value is only the first 1024 bytes of the original, which was too large to copy',
        },
        [HEADERS.dlqSha256]: {
          type: 'string',
          pattern: '^[0-9a-f]{64}$',
          description: 'sha256 of the original value (truncated dead letters)',
        },
        [HEADERS.dlqOriginalBytes]: {
          type: 'string',
          pattern: '^\\d+$',
          description: 'size of the original value (truncated dead letters)',
        },
      },
    },
  ],
};

/** Every schema a data class or the envelope refers to, by class name, generated from the class-validator metadata. */
function classSchemas(): Record<string, Schema> {
  const options = { refPointerPrefix: SCHEMAS, classTransformerMetadataStorage: defaultMetadataStorage };
  const nested = validationMetadatasToSchemas(options) as Record<string, Schema>;
  // Data classes one by one: targetConstructorToSchema includes what a class inherits (ApprovalDecisionData has no field of its own).
  const schemas: Record<string, Schema> = {};
  const visit = (name: string, schema: Schema | undefined) => {
    if (schemas[name] || !schema) return;
    schemas[name] = schema;
    for (const match of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      visit(match[1], nested[match[1]]);
  };
  for (const type of ALL_MESSAGE_TYPES)
    visit(MESSAGE_TYPES[type].data.name, targetConstructorToSchema(MESSAGE_TYPES[type].data, options) as Schema);
  return Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );
}

/** The envelope of one message type: the header fields with the type and version fixed, and its data class. */
function envelopeSchema(type: MessageType, envelope: Schema): Schema {
  const spec = MESSAGE_TYPES[type];
  const properties = envelope.properties as Record<string, Schema>;
  return {
    type: 'object',
    required: envelope.required,
    properties: {
      ...properties,
      type: { type: 'string', const: type },
      schemaVersion: { type: 'integer', const: spec.version },
      producer: { type: 'string', enum: [...PRODUCERS] },
      data: { $ref: `${SCHEMAS}${spec.data.name}` },
    },
  };
}

/** Channels of topics outside the registry (an external way in), merged into the document. */
export interface AsyncApiFragment {
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  messages: Record<string, unknown>;
  schemas: Record<string, unknown>;
}

export function buildAsyncApiDocument(fragments: AsyncApiFragment[] = []): Record<string, unknown> {
  const schemas = classSchemas();
  const envelope = targetConstructorToSchema(EnvelopeHeader) as Schema;
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const type of ALL_MESSAGE_TYPES) {
    const spec = MESSAGE_TYPES[type];
    const deadLetter = `${type}DeadLetter`;
    messages[type] = {
      name: type,
      title: type,
      summary: `${spec.kind === 'command' ? 'Command' : 'Event'} ${type}, schema version ${spec.version}`,
      contentType: 'application/json',
      headers: { $ref: `${SCHEMAS}WireHeaders` },
      payload: { $ref: `${SCHEMAS}${type}Envelope` },
      bindings: { kafka: { key: RUN_KEY, bindingVersion: KAFKA_BINDING_VERSION } },
      'x-dco-kind': spec.kind,
      'x-dco-schema-version': spec.version,
    };
    messages[deadLetter] = {
      name: deadLetter,
      title: `${type} dead letter`,
      summary: `A ${type} record the bus could not accept, unchanged, with why in its headers`,
      contentType: 'application/json',
      headers: { $ref: `${SCHEMAS}DeadLetterHeaders` },
      payload: { description: 'the rejected record value as it was (it may not be JSON, or not a valid envelope)' },
      bindings: { kafka: { key: { type: ['string', 'null'] }, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    schemas[`${type}Envelope`] = envelopeSchema(type, envelope);
    channels[type] = { address: type, title: type, messages: { [type]: { $ref: `#/components/messages/${type}` } } };
    channels[dlqTopicOf(type)] = {
      address: dlqTopicOf(type),
      title: `${type} dead letters`,
      messages: { [deadLetter]: { $ref: `#/components/messages/${deadLetter}` } },
    };
    operations[`send${type}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${type}` },
      messages: [{ $ref: `#/channels/${type}/messages/${type}` }],
    };
    operations[`receive${type}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${type}` },
      messages: [{ $ref: `#/channels/${type}/messages/${type}` }],
    };
    operations[`deadLetter${type}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${dlqTopicOf(type)}` },
      messages: [{ $ref: `#/channels/${dlqTopicOf(type)}/messages/${deadLetter}` }],
    };
  }
  for (const fragment of fragments) {
    Object.assign(channels, fragment.channels);
    Object.assign(operations, fragment.operations);
    Object.assign(messages, fragment.messages);
    Object.assign(schemas, fragment.schemas);
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'DCO Autopilot message bus',
      version: '1',
      description:
        'Every message type on the bus: commands and events of the daily run, as JSON envelopes on a topic named after the type ' +
        '(after an optional namespace prefix, e.g. `staging.`), keyed by runId, written in transactions (read with isolation.level=read_committed). ' +
        'A record a consumer cannot accept goes unchanged to `<topic>.dlq` with the reason in its headers. Generated from libs/contracts/src/registry.ts.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'the local stack broker (npm run stack:up)' },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: { ...schemas, WireHeaders: WIRE_HEADERS, DeadLetterHeaders: DEAD_LETTER_HEADERS },
    },
  };
}
