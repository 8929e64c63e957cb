// The envelope header's validation without the decorator machinery: the very predicates EnvelopeHeader's decorators run.
import { isIn, isISO8601, isInt, isNotEmpty, isObject, isString, isUUID, matches, min } from 'class-validator';
import { PRODUCERS, RUN_ID_PATTERN, TRACEPARENT_PATTERN } from './envelope';

/**
 * True when every decorator of `EnvelopeHeader` would accept `record`, i.e. validateSync would return no error. It
 * calls class-validator's own functions with the decorators' arguments, so it cannot accept what they reject; keep it in
 * step with the class (the contracts spec compares both on every field). parseMessage runs the class only when this
 * says no, to word the rejection; on the hot path this saves most of the header's cost (metadata lookup, instance copy).
 */
export function headerPasses(record: Record<string, unknown>): boolean {
  return (
    isUUID(record.eventId) &&
    isString(record.type) &&
    isNotEmpty(record.type) &&
    isInt(record.schemaVersion) &&
    min(record.schemaVersion, 1) &&
    isISO8601(record.occurredAt, { strict: true }) &&
    isIn(record.producer, PRODUCERS) &&
    // matches() checks typeof string itself; its parameter type is narrower than what it accepts.
    matches(record.runId as string, RUN_ID_PATTERN) &&
    optional(record.causationId, isUUID) &&
    optional(record.traceparent, (value) => matches(value as string, TRACEPARENT_PATTERN)) &&
    isObject(record.data)
  );
}

/** IsOptional(): null and undefined skip the property's other checks. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}
