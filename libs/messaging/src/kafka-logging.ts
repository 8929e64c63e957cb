// Where every kafkajs client's log lines go: one logCreator for all of them, into a BusLogger (the service's structured
// logger, or a redacting stderr writer), so the Kafka client never writes past the redaction.
import { LogEntry, logLevel as KafkaLogLevel, logCreator as KafkaLogCreator } from 'kafkajs';
import { BusLogger, BusLogLevel } from './message-bus.port';

export const KAFKA_LOG_LEVELS: Record<BusLogLevel, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/** Field names whose values never reach a log line, at any depth (the same names the service logger redacts). */
const SECRET_FIELD = /password|secret|token|authorization|cookie|signature|hmac|credential|sasl|apikey/i;
export const REDACTED_VALUE = '[REDACTED]';

/** A copy of `value` with every secret-named field replaced (cycles and depth bounded). */
export function redactFields(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1, seen));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      SECRET_FIELD.test(key) ? REDACTED_VALUE : redactFields(field, depth + 1, seen),
    ]),
  );
}

/** The default BusLogger outside a service (CLI, tools): JSON lines on stderr, secret-named fields redacted. */
export const stderrBusLogger: BusLogger = (level, message, detail) => {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), component: 'kafka', msg: message, ...(redactFields(detail) as object) })}\n`,
  );
};

/**
 * kafkajs logs every broker error response at ERROR, although it retries them (rebalancing, leader moved, coordinator
 * loading); those are warnings. What finally fails is logged again by kafkajs, or surfaces as a rejected call.
 */
function busLogLevel(level: KafkaLogLevel, message: string): BusLogLevel {
  if (level <= KafkaLogLevel.ERROR) return message.startsWith('Response ') ? 'warn' : 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  return level === KafkaLogLevel.INFO ? 'info' : 'debug';
}

/**
 * The `logLevel` and `logCreator` of a kafkajs client: its lines at `threshold` or above go to `logger` as message plus
 * fields (kafkajs's own `message` is the message; everything else, e.g. broker, clientId, error, a field).
 */
export function kafkaLogging(
  logger: BusLogger = stderrBusLogger,
  threshold: BusLogLevel = 'warn',
): { logLevel: KafkaLogLevel; logCreator: KafkaLogCreator } {
  return {
    logLevel: KAFKA_LOG_LEVELS[threshold],
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...detail } = log;
        const mapped = busLogLevel(level, message);
        if (KAFKA_LOG_LEVELS[mapped] <= KAFKA_LOG_LEVELS[threshold]) logger(mapped, message, { namespace, ...detail });
      },
  };
}
