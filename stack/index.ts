// Programmatic API of the local stack (import from '@dco/stack'): start/stop/restart components, extra Neo4j servers, paths and config.
export {
  stackUp,
  stackDown,
  stackStatus,
  isHealthy,
  isStackHealthy,
  startComponent,
  stopComponent,
  restartComponent,
  startKafka,
  stopKafka,
  startNeo4jServer,
  stopNeo4jServer,
  listNeo4jServers,
  stackContext,
  stackComponents,
} from './stack-controller';
export type { StackOptions, Neo4jServerRequest, Neo4jServerHandle } from './stack-controller';
export type { ComponentStatus, ComponentState, StackComponent, StackContext } from './components/stack-component';
export { stackConfig, stackPaths, findRepoRoot, neo4jTransactionLimits } from './stack-config';
export type { StackConfig, StackPaths, Neo4jServerConfig, KafkaConfig } from './stack-config';
export { StackError } from './stack-error';
export type { StackErrorCode } from './stack-error';
export { tofuEnv } from './components/tofu.component';
export { newKafkaClusterId } from './components/kafka.component';
