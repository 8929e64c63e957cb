// The Kafka client's log lines into the service's pino logger: message plus fields, so the logger's redaction applies.
import { BusLogger } from '@dco/messaging';
import { DcoLogger } from './logger.factory';

export function pinoBusLogger(logger: DcoLogger): BusLogger {
  const kafka = logger.child({ component: 'kafka' });
  return (level, message, detail) => kafka[level](detail, message);
}
