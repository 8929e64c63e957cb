// External change reports as CloudEvents 1.0 (HTTP binary and structured modes, Kafka binding), read with the official
// SDK. The event carries the report: source names the producer, id is the reportId, time the reportedAt, data holds
// change and urgent, and the HMAC-SHA256 of the report travels in the `dcosignature` extension attribute. The signed
// bytes are the canonical JSON of the report (external-signature.ts), with time in its UTC toISOString() form, because
// SDKs rewrite time that way in transit.
import { CloudEvent, CloudEventV1, HTTP, Headers, Kafka, KafkaMessage, ValidationError } from 'cloudevents';
import { MessageRejectionCode } from '@dco/contracts';
import { signReport } from './external-signature';

export const EXTERNAL_CHANGE_EVENT_TYPE = 'dco.external-change.reported.v1';
export const SIGNATURE_EXTENSION = 'dcosignature';
/** The id of the producer key that signed the report (optional; part of the signed report as keyId). */
export const KEY_ID_EXTENSION = 'dcokeyid';
const SOURCE = /^urn:dco:producer:([a-z0-9][a-z0-9-]{0,63})$/;

export const producerSource = (producerId: string): string => `urn:dco:producer:${producerId}`;

export type CloudEventReading =
  | { ok: true; report: Record<string, unknown> }
  | { ok: false; code: MessageRejectionCode; message: string };

const refuse = (code: MessageRejectionCode, message: string): CloudEventReading => ({ ok: false, code, message });
const header = (headers: Headers, name: string): string | undefined => {
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
};

/** An HTTP request in either CloudEvents mode; anything else is a legacy report body (deprecated). */
export function isCloudEventRequest(headers: Headers): boolean {
  return (
    (header(headers, 'content-type') ?? '').startsWith('application/cloudevents') ||
    header(headers, 'ce-specversion') !== undefined ||
    header(headers, 'ce-id') !== undefined
  );
}

/** The attributes the SDK would fill in or default when absent, as the producer sent them. */
interface RawAttributes {
  specversion: unknown;
  time: unknown;
}

function rawAttributes(body: unknown, binaryHeader: (name: string) => string | undefined): RawAttributes {
  const specversion = binaryHeader('specversion');
  if (specversion !== undefined) return { specversion, time: binaryHeader('time') };
  const structured = (typeof body === 'string' ? parseJson(body) : body) as Partial<RawAttributes> | null | undefined;
  return { specversion: structured?.specversion, time: structured?.time };
}

function read(toEvent: () => CloudEventV1<unknown> | CloudEventV1<unknown>[], raw: RawAttributes): CloudEventReading {
  if (raw.specversion !== '1.0')
    return refuse(
      'CE.UNSUPPORTED_SPECVERSION',
      `specversion must be "1.0", got ${JSON.stringify(raw.specversion ?? null)}`,
    );
  // The SDK stamps a missing time with the time of reading, which would make the signature fail for an unclear reason.
  if (typeof raw.time !== 'string')
    return refuse('CE.INVALID_ATTRIBUTES', 'time is required, as an RFC 3339 timestamp: it is the reportedAt');
  let event: CloudEventV1<unknown> | CloudEventV1<unknown>[];
  try {
    event = toEvent();
  } catch (error) {
    const detail = error instanceof ValidationError && error.errors?.length ? `: ${JSON.stringify(error.errors)}` : '';
    return refuse('CE.NOT_A_CLOUD_EVENT', `not a CloudEvent: ${(error as Error).message}${detail}`);
  }
  if (Array.isArray(event)) return refuse('CE.NOT_A_CLOUD_EVENT', 'send one event per request, not a batch');
  return reportOf(event);
}

export function readHttpCloudEvent(message: { headers: Headers; body: unknown }): CloudEventReading {
  return read(
    () => HTTP.toEvent<unknown>(message),
    rawAttributes(message.body, (name) => header(message.headers, `ce-${name}`)),
  );
}

export function readKafkaCloudEvent(message: KafkaMessage): CloudEventReading {
  return read(
    () => Kafka.toEvent<unknown>(message),
    rawAttributes(message.value, (name) => header(message.headers, `ce_${name}`)),
  );
}

function reportOf(event: CloudEventV1<unknown>): CloudEventReading {
  if (event.type !== EXTERNAL_CHANGE_EVENT_TYPE)
    return refuse('CE.UNSUPPORTED_TYPE', `type must be ${EXTERNAL_CHANGE_EVENT_TYPE}, got "${event.type}"`);
  const producer = SOURCE.exec(event.source ?? '');
  if (!producer)
    return refuse('CE.INVALID_ATTRIBUTES', `source must be urn:dco:producer:<producer id>, got "${event.source}"`);
  if (!event.id) return refuse('CE.INVALID_ATTRIBUTES', 'id is required: it is the reportId');
  const time = event.time ? new Date(event.time) : undefined;
  if (!time || Number.isNaN(time.getTime()))
    return refuse('CE.INVALID_ATTRIBUTES', 'time is required, as an RFC 3339 timestamp: it is the reportedAt');
  const data = typeof event.data === 'string' ? parseJson(event.data) : event.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return refuse('CE.MISSING_DATA', 'data must be a JSON object with change and urgent');
  const signature = (event as unknown as Record<string, unknown>)[SIGNATURE_EXTENSION];
  if (typeof signature !== 'string' || signature === '')
    return refuse(
      'CE.MISSING_SIGNATURE',
      `the ${SIGNATURE_EXTENSION} extension attribute must carry the report's HMAC-SHA256`,
    );
  const { change, urgent } = data as Record<string, unknown>;
  const keyId = (event as unknown as Record<string, unknown>)[KEY_ID_EXTENSION];
  return {
    ok: true,
    report: {
      producerId: producer[1],
      reportId: event.id,
      reportedAt: time.toISOString(),
      ...(keyId === undefined ? {} : { keyId }),
      change,
      urgent,
      signature,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The CloudEvent of an unsigned report, signed with the producer's key: what `dco external send` and specs send. */
export function signedCloudEvent(
  report: { producerId: string; reportId: string; reportedAt: string; change: unknown; urgent: boolean },
  key: Buffer,
  keyId?: string,
): CloudEvent<{ change: unknown; urgent: boolean }> {
  const reportedAt = new Date(report.reportedAt).toISOString();
  const signature = signReport({ ...report, reportedAt, keyId }, key);
  return new CloudEvent({
    specversion: '1.0',
    type: EXTERNAL_CHANGE_EVENT_TYPE,
    source: producerSource(report.producerId),
    id: report.reportId,
    time: reportedAt,
    datacontenttype: 'application/json',
    data: { change: report.change, urgent: report.urgent },
    [SIGNATURE_EXTENSION]: signature,
    ...(keyId === undefined ? {} : { [KEY_ID_EXTENSION]: keyId }),
  });
}
