// DCO_NEO4J_CONSUMER_SERVICES: the ECS services that follow the database from blue to green.
import { ConfigError } from '@dco/contracts';

/** "cluster/service,cluster/service" -> consumer services. */
export function parseConsumerServices(text: string | undefined): Array<{ cluster: string; serviceName: string }> {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [cluster, serviceName] = entry.split('/');
      if (!cluster || !serviceName)
        throw new ConfigError(`DCO_NEO4J_CONSUMER_SERVICES entries must be cluster/service, got "${entry}"`);
      return { cluster, serviceName };
    });
}
