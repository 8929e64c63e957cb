// parseMessage: bytes in, a typed and validated message (upcast to the current version) or a coded rejection out.
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { MessageRejectionCode } from './codes';
import { Envelope, EnvelopeHeader, MAX_MESSAGE_BYTES } from './envelope';
import { compileCheck } from './compiled-check';
import { headerPasses } from './envelope-check';
import { DataOf, MESSAGE_TYPES, MessageType, isMessageType } from './registry';
import { findUpcaster } from './upcasters';

/** A message of any known type; `switch (message.type)` narrows `data`. */
export type AnyMessage = { [T in MessageType]: Envelope<T, DataOf<T>> }[MessageType];
export type MessageOf<T extends MessageType> = Envelope<T, DataOf<T>>;

export class MessageRejection {
  constructor(
    readonly code: MessageRejectionCode,
    readonly message: string,
    /** What could still be read of the message, to route and report it. */
    readonly partial: { type?: string; eventId?: string; runId?: string } = {},
  ) {}

  toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export type ParseResult = { ok: true; message: AnyMessage } | { ok: false; error: MessageRejection };

export interface ParseOptions {
  maxBytes?: number;
}

export function parseMessage(bytes: Buffer | string | null | undefined, options: ParseOptions = {}): ParseResult {
  const maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
  if (bytes == null) return reject('MSG.NOT_AN_ENVELOPE', 'message has no value');
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > maxBytes) return reject('MSG.TOO_LARGE', `message is ${size} bytes, the limit is ${maxBytes}`);

  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (cause) {
    return reject('MSG.INVALID_JSON', `message is not JSON: ${(cause as Error).message}`);
  }
  return parseObject(raw);
}

/** Validates an already-decoded object (an HTTP body, a stored snapshot) the same way as bytes from Kafka. */
export function parseObject(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('MSG.NOT_AN_ENVELOPE', 'message must be a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const partial = {
    type: typeof record.type === 'string' ? record.type : undefined,
    eventId: typeof record.eventId === 'string' ? record.eventId : undefined,
    runId: typeof record.runId === 'string' ? record.runId : undefined,
  };
  if (typeof record.type !== 'string' || typeof record.data !== 'object' || record.data === null) {
    return reject('MSG.NOT_AN_ENVELOPE', 'message must have a string "type" and an object "data"', partial);
  }
  if (!isMessageType(record.type)) {
    return reject('MSG.UNKNOWN_TYPE', `unknown message type "${record.type.slice(0, 64)}"`, partial);
  }
  const type = record.type;
  const spec = MESSAGE_TYPES[type];

  // Hot path: the header's own predicates, called directly (a few µs). Only a header that fails them goes through
  // class-validator, which then words the rejection exactly as before. The data is validated below with its own class.
  const header = headerPasses(record) ? (record as unknown as EnvelopeHeader) : undefined;
  if (!header) {
    // An empty stand-in for the data spares a deep copy of it; an array still fails the header's IsObject.
    const errors = validateSync(
      plainToInstance(EnvelopeHeader, { ...record, data: Array.isArray(record.data) ? record.data : {} }),
      { forbidUnknownValues: false },
    );
    // headerPasses() runs the same predicates as the decorators, so errors is never empty here; guard regardless.
    return reject(
      'MSG.VALIDATION_FAILED',
      errors.length > 0 ? describe(errors) : 'envelope header is invalid',
      partial,
    );
  }

  let version = header.schemaVersion;
  let data = record.data as Record<string, unknown>;
  if (version > spec.version) {
    return reject('MSG.UNKNOWN_VERSION', `${type} v${version} is newer than this reader (v${spec.version})`, partial);
  }
  while (version < spec.version) {
    const upcaster = findUpcaster(type, version);
    if (!upcaster) {
      return reject('MSG.UNKNOWN_VERSION', `${type} v${version} has no upcaster to v${version + 1}`, partial);
    }
    const oldErrors = validateSync(plainToInstance(upcaster.fromData, data), { whitelist: true });
    if (oldErrors.length > 0) {
      return reject('MSG.VALIDATION_FAILED', `${type} v${version}: ${describe(oldErrors)}`, partial);
    }
    data = upcaster.upcast(data, { occurredAt: header.occurredAt });
    version += 1;
  }

  // Hot path: the data class's checks compiled into one function (compiled-check.ts). When it is not sure (invalid or
  // unusual data), class-validator decides and words the rejection.
  let plain: object | undefined = compileCheck(spec.data)?.(data);
  if (!plain) {
    const verdict = validateData(spec.data, data);
    if (!verdict.ok) return reject('MSG.VALIDATION_FAILED', `${type}.data: ${verdict.reason}`, partial);
    plain = verdict.data;
  }

  const message = {
    eventId: header.eventId,
    type,
    schemaVersion: spec.version,
    occurredAt: header.occurredAt,
    producer: header.producer,
    runId: header.runId,
    ...(header.causationId ? { causationId: header.causationId } : {}),
    ...(header.traceparent ? { traceparent: header.traceparent } : {}),
    data: plain,
  } as AnyMessage;
  return { ok: true, message };
}

/**
 * class-validator's verdict on a message's data (the reference the compiled check must agree with): the plain data,
 * whitelisted to the class's decorated properties, or the worded errors.
 */
export function validateData(
  cls: ClassConstructor<object>,
  data: unknown,
): { ok: true; data: object } | { ok: false; reason: string } {
  const typed = plainToInstance(cls, data) as object;
  const errors = validateSync(typed, { whitelist: true, forbidUnknownValues: true });
  return errors.length > 0 ? { ok: false, reason: describe(errors) } : { ok: true, data: toPlain(typed) };
}

function reject(code: MessageRejectionCode, message: string, partial = {}): ParseResult {
  return { ok: false, error: new MessageRejection(code, message, partial) };
}

/** "changes.0.risk: risk must be one of ..., day: day must be a day as YYYY-MM-DD" */
export function describe(errors: ValidationError[], prefix = ''): string {
  const parts: string[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) parts.push(`${path}: ${Object.values(error.constraints).join('; ')}`);
    if (error.children?.length) parts.push(describe(error.children, path));
  }
  return parts.filter(Boolean).join(', ');
}

/** Data classes carry no behaviour; handlers get plain objects so that snapshots and comparisons stay simple. */
function toPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
