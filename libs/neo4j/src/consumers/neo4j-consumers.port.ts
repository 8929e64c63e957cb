// The services that read and write Neo4j: rolled onto a new NEO4J_URI at cutover and back on rollback.
import { Neo4jEndpoint } from '../pointer/connection-pointer.port';

export interface ConsumerRollout {
  service: string;
  fromTaskDefinition: string;
  toTaskDefinition: string;
}

export interface Neo4jConsumers {
  /** Points every consuming service at the endpoint and resolves once each confirms it runs with it; DB.SWITCH_FAILED otherwise. */
  pointTo(endpoint: Neo4jEndpoint, context: { runId: string }): Promise<ConsumerRollout[]>;
  /** The NEO4J_URI each service runs with now. */
  currentUris(): Promise<Record<string, string>>;
}

/** For deployments where consumers only follow the connection pointer (local processes, the embedded profile). */
export const pointerOnlyConsumers: Neo4jConsumers = {
  pointTo: async () => [],
  currentUris: async () => ({}),
};
