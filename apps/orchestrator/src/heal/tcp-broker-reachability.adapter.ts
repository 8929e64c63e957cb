// Reachability of a Kafka cluster: any of its `host:port[,host:port]` brokers accepts a TCP connection.
import { canConnect } from '@dco/probes';
import { Reachability } from './reachability.port';

export class TcpBrokerReachability implements Reachability {
  constructor(private readonly timeoutMs = 2_000) {}

  async reachable(brokers: string): Promise<boolean> {
    const answers = await Promise.all(
      brokers.split(',').map((broker) => {
        const separator = broker.lastIndexOf(':');
        const port = Number(broker.slice(separator + 1));
        if (separator <= 0 || !Number.isInteger(port)) return false;
        return canConnect(broker.slice(0, separator), port, this.timeoutMs);
      }),
    );
    return answers.some(Boolean);
  }
}
