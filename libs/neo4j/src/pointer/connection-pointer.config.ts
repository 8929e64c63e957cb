// Where the blue-green connection pointer lives (the db-migrator writes it, the dco-runner follows it): an SSM parameter or a file.
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { IsOptional, IsString } from 'class-validator';
import { ConnectionPointerStore } from './connection-pointer.port';
import { FileConnectionPointerStore } from './file-connection-pointer.adapter';
import { SsmConnectionPointerStore } from './ssm-connection-pointer.adapter';

/** The pointer's variables; the configs of the apps that share the pointer extend it. */
export class ConnectionPointerConfig {
  /** An SSM parameter holding the pointer; unset = a file. */
  @IsOptional()
  @IsString()
  DCO_NEO4J_POINTER_PARAMETER?: string;

  /** The pointer file (default <state dir>/neo4j-pointer.json). */
  @IsOptional()
  @IsString()
  DCO_NEO4J_POINTER_FILE?: string;
}

/** The configured pointer store; the SSM client is only built when the pointer is a parameter. */
export function connectionPointerStoreOf(
  config: ConnectionPointerConfig,
  options: { stateDir: string; ssm: () => SSMClient },
): ConnectionPointerStore {
  return config.DCO_NEO4J_POINTER_PARAMETER
    ? new SsmConnectionPointerStore(options.ssm(), config.DCO_NEO4J_POINTER_PARAMETER)
    : new FileConnectionPointerStore(config.DCO_NEO4J_POINTER_FILE ?? join(options.stateDir, 'neo4j-pointer.json'));
}
