// Environment of the db-migrator service (validated at boot).
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { CommonConfig } from '@dco/platform';

export class DbMigratorConfig extends CommonConfig {
  /** Which implementation of the stage runs: the in-memory stand-in with configured outcomes, or the real use case. */
  @IsIn(['simulated', 'real'], { message: 'DCO_STAGE_ENGINE must be simulated or real' })
  DCO_STAGE_ENGINE: 'simulated' | 'real' = 'simulated';

  /** Outcome of the in-memory MigrateDb stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsString()
  DCO_SIMULATE_MIGRATE_DB?: string;

  /** Outcome of the in-memory RollbackDb stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsString()
  DCO_SIMULATE_ROLLBACK_DB?: string;

  /** The environment's name: tag dco:env on every Neo4j instance launched; scopes the fleet and its ClientTokens. */
  @IsOptional()
  @Matches(/^[^=,]{1,256}$/, { message: 'DCO_ENV must be 1-256 characters without "=" or ","' })
  DCO_ENV?: string;

  /** More tags of the Neo4j fleet, "key=value,key=value": put on every instance launched and used to find the fleet's instances. */
  @IsOptional()
  @Matches(/^\s*(?!aws:)[^=,]{1,128}=[^=,]{0,256}\s*(,\s*(?!aws:)[^=,]{1,128}=[^=,]{0,256}\s*)*$/, {
    message: 'DCO_NEO4J_FLEET_TAGS must be key=value[,key=value...] (EC2 tag keys, not aws:-prefixed)',
  })
  DCO_NEO4J_FLEET_TAGS?: string;
}
