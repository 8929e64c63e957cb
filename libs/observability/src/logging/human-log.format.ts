// Renders pino's JSON records as human console lines (LOG_FORMAT=human): the embedded profile's console stays readable
// while services keep structured JSON by default.
import type { DestinationStream } from 'pino';
import { CodedError } from '@dco/contracts';
import { consoleLine } from './console-line';

export const LOG_FORMATS = ['json', 'human'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Said by the columns or by the message already; the rest of a record follows the message as key=value. */
const SHOWN_ELSEWHERE = new Set([
  'level',
  'time',
  'service',
  'pid',
  'hostname',
  'runId',
  'msg',
  'messageType',
  'eventId',
  'traceId',
  'spanId',
]);

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object' && 'message' in value)
    return JSON.stringify((value as { message: unknown }).message);
  return JSON.stringify(value);
}

export function humanLogLine(record: Record<string, unknown>): string {
  const level = String(record.level ?? 'info');
  const message = String(record.msg ?? '');
  const fields = Object.entries(record)
    .filter(
      ([key, value]) => !SHOWN_ELSEWHERE.has(key) && !(key === 'event' && value === message) && value !== undefined,
    )
    .map(([key, value]) => `${key}=${valueText(value)}`);
  const text = [level === 'info' ? '' : `${level.toUpperCase()}:`, message, ...fields].filter(Boolean).join(' ');
  return consoleLine(
    String(record.time ?? new Date().toISOString()),
    record.runId as string | undefined,
    String(record.service ?? ''),
    text,
  );
}

/** A pino destination that writes each record as a human line to `out` (stdout by default). */
export function humanLogDestination(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  return {
    write(line: string) {
      for (const text of line.split('\n').filter(Boolean))
        out.write(`${humanLogLine(JSON.parse(text) as Record<string, unknown>)}\n`);
    },
  };
}

export function parseLogFormat(text: string | undefined): LogFormat {
  const format = text ?? 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(format))
    throw new CodedError('CONFIG.INVALID', `LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, got "${format}"`);
  return format as LogFormat;
}
