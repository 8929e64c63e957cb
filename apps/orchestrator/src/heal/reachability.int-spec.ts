// Runs the Reachability contract against the TCP broker probe (the stack's Kafka) and the Bolt probe (the stack's Neo4j).
import { freePort, stackEndpoints } from '@dco/testing';
import { BoltNeo4jReachability } from './bolt-neo4j-reachability.adapter';
import { reachabilityContract } from './reachability.contract';
import { TcpBrokerReachability } from './tcp-broker-reachability.adapter';

const endpoints = stackEndpoints();

reachabilityContract('TCP brokers', async () => ({
  probe: new TcpBrokerReachability(1_000),
  live: `127.0.0.1:${await freePort()},${endpoints.kafkaBrokers.join(',')}`,
  dead: `127.0.0.1:${await freePort()}`,
}));

reachabilityContract(
  'Bolt Neo4j',
  async () => ({
    probe: new BoltNeo4jReachability(3_000),
    live: Object.values(endpoints.neo4j)[0].boltUri,
    dead: `bolt://127.0.0.1:${await freePort()}`,
  }),
  15_000,
);
