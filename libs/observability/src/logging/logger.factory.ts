// pino logger: JSON lines (or human ones, LOG_FORMAT=human) with service, runId, traceId and spanId; secrets, tokens and
// HMAC signatures redacted.
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { LogFormat, humanLogDestination, parseLogFormat } from './human-log.format';
import { currentLogContext } from './log-context';

export type DcoLogger = Logger;

const SECRET_KEYS = [
  'password',
  'secret',
  'secretKey',
  'secretAccessKey',
  'sessionToken',
  'token',
  'apiToken',
  'apiKey',
  'authorization',
  'Authorization',
  'cookie',
  'signature',
  'hmac',
  'credentials',
];

/** Redaction paths: the secret keys at the top level and up to three levels down (pino wildcards match one level). */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
  `headers["${key.toLowerCase()}"]`,
  `*.headers["${key.toLowerCase()}"]`,
]).filter((path, index, all) => all.indexOf(path) === index);

export const REDACTED = '[REDACTED]';

export interface LoggerFactoryOptions {
  service: string;
  level?: string;
  /** json (default) or human; LOG_FORMAT when unset. */
  format?: LogFormat;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

/** The fields every line carries from the active span and log context. */
export function correlationFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const { runId, messageType, eventId } = currentLogContext();
  if (runId) fields.runId = runId;
  if (messageType) fields.messageType = messageType;
  if (eventId) fields.eventId = eventId;
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

export function createLogger(options: LoggerFactoryOptions): DcoLogger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    messageKey: 'msg',
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    mixin: correlationFields,
  };
  const format = options.format ?? parseLogFormat(process.env.LOG_FORMAT);
  if (format === 'human') return pino(config, humanLogDestination(options.destination ?? process.stdout));
  return options.destination ? pino(config, options.destination) : pino(config);
}
