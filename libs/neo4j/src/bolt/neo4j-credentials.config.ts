// The Neo4j login of a service or tool (validated at boot): NEO4J_USER and NEO4J_PASSWORD, or the local profile's password file.
import { join } from 'node:path';
import { IsOptional, Matches, MinLength } from 'class-validator';
import { CodedError } from '@dco/contracts';
import { readOrCreateSecretFile } from '@dco/probes';
import { generateNeo4jPassword, NEO4J_ADMIN_USER, NEO4J_MIN_PASSWORD_LENGTH } from '../fleet/neo4j-initial-password';
import { Neo4jCredentials } from './neo4j-credentials';

export class Neo4jCredentialsConfig {
  /** The Neo4j user (default neo4j, the admin user every server the fleet starts has). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.@-]{1,64}$/, { message: 'NEO4J_USER must be 1-64 letters, digits, or _ . @ -' })
  NEO4J_USER?: string;

  /**
   * Its password (at least 8 characters, Neo4j's minimum). The local profile defaults to `<DCO_STATE_DIR>/neo4j-password`
   * (which `npm run stack:up` writes); aws requires it, from Secrets Manager (DCO_SECRETS_*, docs/deployment.md).
   */
  @IsOptional()
  @MinLength(NEO4J_MIN_PASSWORD_LENGTH, {
    message: `NEO4J_PASSWORD must have at least ${NEO4J_MIN_PASSWORD_LENGTH} characters`,
  })
  NEO4J_PASSWORD?: string;
}

/** Where the local profile and the stack keep the generated password (git-ignored, read by its owner only). */
export const LOCAL_NEO4J_PASSWORD_FILE = 'neo4j-password';

/**
 * The login a profile uses: the configured password; none in embedded (no Neo4j); in local the state directory's password
 * file, generated on first use, so the stack's servers, the local fleet's and every client agree without configuration;
 * aws refuses to start without one (CONFIG.INVALID).
 */
export function neo4jCredentialsOf(
  config: Neo4jCredentialsConfig,
  profile: string,
  stateDir: string,
): Neo4jCredentials | undefined {
  const user = config.NEO4J_USER ?? NEO4J_ADMIN_USER;
  if (config.NEO4J_PASSWORD) return { user, password: config.NEO4J_PASSWORD };
  if (profile === 'aws')
    throw new CodedError(
      'CONFIG.INVALID',
      'NEO4J_PASSWORD (not set): the aws profile logs in to Neo4j with a configured password (Secrets Manager)',
    );
  if (profile === 'embedded') return undefined;
  return { user, password: readOrCreateSecretFile(join(stateDir, LOCAL_NEO4J_PASSWORD_FILE), generateNeo4jPassword) };
}
