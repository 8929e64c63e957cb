// Environment of the dco-runner service (validated at boot): the stage engine, and the real RunDco stage's executor,
// ledger, daily amount, batches and ECS job settings.
import { IntersectionType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { AwsClientConfig } from '@dco/aws';
import { ConnectionPointerConfig, Neo4jCredentialsConfig } from '@dco/neo4j';
import { CommonConfig, IsParsedBy, parseSimulatedBehaviour, StageEngineConfig } from '@dco/platform';

/** Every variable the dco-runner reads; the blue-green connection pointer's (shared with the db-migrator) come from ConnectionPointerConfig. */
export class DcoRunnerConfig extends IntersectionType(
  CommonConfig,
  AwsClientConfig,
  IntersectionType(ConnectionPointerConfig, Neo4jCredentialsConfig),
  StageEngineConfig,
) {
  /** Outcome of the in-memory RunDco stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_RUN_DCO', value))
  DCO_SIMULATE_RUN_DCO?: string;

  /** reference: the built-in offering; ecs: run the existing DCO job as an ECS task. */
  @IsIn(['reference', 'ecs'], { message: 'DCO_EXECUTOR must be reference or ecs' })
  DCO_EXECUTOR: 'reference' | 'ecs' = 'reference';

  /** Where the ledger lives; defaults to memory in the embedded profile and Neo4j elsewhere. */
  @IsOptional()
  @IsIn(['neo4j', 'memory'], { message: 'DCO_LEDGER must be neo4j or memory' })
  DCO_LEDGER?: 'neo4j' | 'memory';

  /** The fixed daily amount in base units (a positive integer, any size). */
  @ValidateIf((config: DcoRunnerConfig) => config.DCO_STAGE_ENGINE === 'real' && config.DCO_EXECUTOR === 'reference')
  @Matches(/^[1-9][0-9]*$/, { message: 'DCO_DAILY_AMOUNT must be a positive whole number of base units' })
  DCO_DAILY_AMOUNT?: string;

  @IsInt()
  @Min(1)
  @Max(50_000)
  DCO_ALLOCATION_BATCH_SIZE = 5_000;

  @IsInt()
  @Min(1)
  @Max(16)
  DCO_WRITE_CONCURRENCY = 2;

  /**
   * Contributions per read transaction of the offering (ADR 0020): the server holds one page per transaction and the
   * runner one page at a time. 20,000 rows stay far below a 153 MiB per-transaction limit.
   */
  @IsInt({ message: 'DCO_READ_PAGE_ROWS must be a whole number of contributions' })
  @Min(100, { message: 'DCO_READ_PAGE_ROWS must be at least 100 (smaller pages cost a round trip each)' })
  @Max(200_000, { message: 'DCO_READ_PAGE_ROWS must be at most 200000 (a page must fit the transaction memory limit)' })
  DCO_READ_PAGE_ROWS = 20_000;

  /**
   * Most contributing accounts a day may have: above it the run fails with DCO.DAY_TOO_LARGE before writing anything,
   * instead of outgrowing the runner's memory (about 400 bytes of heap per account, ADR 0020; the runner also refuses a day its heap
   * limit would not hold).
   */
  @IsInt({ message: 'DCO_MAX_DAY_ACCOUNTS must be a whole number of accounts' })
  @Min(1, { message: 'DCO_MAX_DAY_ACCOUNTS must be at least 1' })
  @Max(20_000_000, { message: 'DCO_MAX_DAY_ACCOUNTS must be at most 20000000' })
  DCO_MAX_DAY_ACCOUNTS = 2_000_000;

  /** Neo4j before any blue-green switch (the connection pointer wins once it exists). */
  @IsOptional()
  @Matches(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/.+/, { message: 'NEO4J_URI must be a bolt:// or neo4j:// URI' })
  NEO4J_URI?: string;

  @IsString()
  DCO_STATE_DIR = '.stack';

  /** How long a run waits for a write freeze (blue-green cutover) to lift before failing the attempt. */
  @IsInt()
  @Min(0)
  DCO_NEO4J_FREEZE_WAIT_MS = 120_000;

  @ValidateIf((config: DcoRunnerConfig) => config.DCO_STAGE_ENGINE === 'real' && config.DCO_EXECUTOR === 'ecs')
  @IsString({ message: 'DCO_ECS_CLUSTER is required with DCO_EXECUTOR=ecs' })
  DCO_ECS_CLUSTER?: string;

  @ValidateIf((config: DcoRunnerConfig) => config.DCO_STAGE_ENGINE === 'real' && config.DCO_EXECUTOR === 'ecs')
  @IsString({ message: 'DCO_ECS_TASK_DEFINITION is required with DCO_EXECUTOR=ecs' })
  DCO_ECS_TASK_DEFINITION?: string;

  @IsString()
  DCO_ECS_CONTAINER = 'dco-job';

  @IsOptional()
  @IsIn(['FARGATE', 'EC2', 'EXTERNAL'])
  DCO_ECS_LAUNCH_TYPE?: 'FARGATE' | 'EC2' | 'EXTERNAL';

  /** Comma-separated, for awsvpc task definitions. */
  @IsOptional()
  @IsString()
  DCO_ECS_SUBNETS?: string;

  @IsOptional()
  @IsString()
  DCO_ECS_SECURITY_GROUPS?: string;

  @IsInt()
  @Min(1)
  DCO_ECS_POLL_MS = 5_000;

  @IsInt()
  @Min(1)
  DCO_ECS_TIMEOUT_MS = 3_600_000;

  /** Embedded demo: a day without contributions in the in-memory ledger is seeded with this many accounts/contributions. */
  @IsInt()
  @Min(0)
  DCO_DEMO_ACCOUNTS = 0;

  @IsInt()
  @Min(0)
  DCO_DEMO_CONTRIBUTIONS = 0;
}
