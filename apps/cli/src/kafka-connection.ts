// The operator's Kafka connection for the commands that talk to the broker: --brokers or KAFKA_BROKERS, and the operator's
// principal (KAFKA_SASL_* / KAFKA_TLS*), validated as the services validate theirs.
import { KafkaSecurity } from '@dco/messaging';
import { BROKERS_PATTERN, KafkaClientConfig, isConfigError, kafkaSecurity, loadConfig } from '@dco/platform';
import { CliError, EXIT } from './cli-error';

export interface KafkaConnection {
  brokers: string[];
  security: KafkaSecurity | undefined;
}

export function kafkaConnectionOf(brokersOption: string | undefined): KafkaConnection {
  const brokers = brokersOption ?? process.env.KAFKA_BROKERS;
  if (!brokers || !BROKERS_PATTERN.test(brokers)) {
    throw new CliError(
      'CLI.NO_BROKERS',
      'give the Kafka brokers as --brokers host:port[,host:port] or KAFKA_BROKERS',
      EXIT.USAGE,
    );
  }
  try {
    return { brokers: brokers.split(','), security: kafkaSecurity(loadConfig(KafkaClientConfig)) };
  } catch (error) {
    if (isConfigError(error)) throw new CliError('CONFIG.INVALID', error.message, EXIT.USAGE);
    throw error;
  }
}
