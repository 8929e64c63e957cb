// The CloudEvents Kafka binding in the bus's AsyncAPI document: the ExternalChangeCloudEvents topic and its .dlq.
import type { AsyncApiFragment } from '@dco/messaging';
import { EXTERNAL_CHANGE_EVENT_TYPE, SIGNATURE_EXTENSION } from './external-cloud-event';
import { EXTERNAL_CLOUD_EVENTS_TOPIC } from './external-cloud-events.consumer';

const TOPIC = EXTERNAL_CLOUD_EVENTS_TOPIC;
const MESSAGE = 'ExternalChangeCloudEvent';
const text = (description: string, extra: object = {}) => ({ type: 'string', description, ...extra });

export const EXTERNAL_CLOUD_EVENTS_ASYNCAPI: AsyncApiFragment = {
  channels: {
    [TOPIC]: {
      address: TOPIC,
      title: 'External change reports (CloudEvents, Kafka binding)',
      description:
        'External producers write one CloudEvent per report, binary or structured mode; the detector verifies it and forwards it to ExternalChangeReported.',
      messages: { [MESSAGE]: { $ref: `#/components/messages/${MESSAGE}` } },
    },
    [`${TOPIC}.dlq`]: {
      address: `${TOPIC}.dlq`,
      title: 'External CloudEvents refused before they became a report',
      messages: { [`${MESSAGE}DeadLetter`]: { $ref: `#/components/messages/${MESSAGE}DeadLetter` } },
    },
  },
  operations: {
    [`send${MESSAGE}`]: {
      action: 'send',
      channel: { $ref: `#/channels/${TOPIC}` },
      messages: [{ $ref: `#/channels/${TOPIC}/messages/${MESSAGE}` }],
    },
    [`receive${MESSAGE}`]: {
      action: 'receive',
      channel: { $ref: `#/channels/${TOPIC}` },
      messages: [{ $ref: `#/channels/${TOPIC}/messages/${MESSAGE}` }],
    },
    [`deadLetter${MESSAGE}`]: {
      action: 'send',
      channel: { $ref: `#/channels/${TOPIC}.dlq` },
      messages: [{ $ref: `#/channels/${TOPIC}.dlq/messages/${MESSAGE}DeadLetter` }],
    },
  },
  messages: {
    [MESSAGE]: {
      name: MESSAGE,
      title: 'External change report as a CloudEvent 1.0 (binary mode shown)',
      contentType: 'application/json',
      headers: {
        type: 'object',
        required: ['ce_specversion', 'ce_type', 'ce_source', 'ce_id', 'ce_time', `ce_${SIGNATURE_EXTENSION}`],
        properties: {
          ce_specversion: text('CloudEvents version', { const: '1.0' }),
          ce_type: text('event type', { const: EXTERNAL_CHANGE_EVENT_TYPE }),
          ce_source: text('the producer', { pattern: '^urn:dco:producer:[a-z0-9][a-z0-9-]{0,63}$' }),
          ce_id: text('the report id', { pattern: '^[A-Za-z0-9._:-]{1,128}$' }),
          ce_time: text('when the change was reported', { format: 'date-time' }),
          [`ce_${SIGNATURE_EXTENSION}`]: text(
            "HMAC-SHA256 (hex) of the report's canonical JSON with the producer key",
            { pattern: '^[0-9a-f]{64}$' },
          ),
          'content-type': text(
            'application/json in binary mode; application/cloudevents+json in structured mode (the attributes then travel in the value)',
          ),
        },
      },
      payload: {
        type: 'object',
        required: ['change', 'urgent'],
        properties: { change: { $ref: '#/components/schemas/Change' }, urgent: { type: 'boolean' } },
      },
    },
    [`${MESSAGE}DeadLetter`]: {
      name: `${MESSAGE}DeadLetter`,
      title: 'A refused external CloudEvent, unchanged, with its CE.* code in the headers',
      headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
      payload: { description: 'the record value as it was' },
    },
  },
  schemas: {},
};
