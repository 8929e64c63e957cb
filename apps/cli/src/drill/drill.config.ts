// Environment of `dco drill` and the scheduled drill (validated; a bad value is CONFIG.INVALID naming the variable).
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IntersectionType } from '@nestjs/swagger';
import { AwsClientConfig } from '@dco/aws';
import { BROKERS_PATTERN, KafkaClientConfig, NAMESPACE_PATTERN, TOPIC_PREFIX_PATTERN } from '@dco/platform';
import { DrillKind, DrillObjective } from './drill.model';

/** The Kafka client's and the AWS clients' variables (their validators), and the drill's own. */
export class DrillConfig extends IntersectionType(KafkaClientConfig, AwsClientConfig) {
  /** RTO objective of `neo4j-loss` in seconds: a fresh server restored from the latest backup answers the probe. */
  @IsInt({ message: 'DCO_DRILL_NEO4J_LOSS_RTO_S must be an integer' })
  @Min(1)
  DCO_DRILL_NEO4J_LOSS_RTO_S = 300;

  /** RTO objective of `orchestrator-loss` in seconds: a fresh orchestrator store has every run back from Kafka. */
  @IsInt({ message: 'DCO_DRILL_ORCHESTRATOR_LOSS_RTO_S must be an integer' })
  @Min(1)
  DCO_DRILL_ORCHESTRATOR_LOSS_RTO_S = 60;

  /** RTO objective of `deployer-state-loss` in seconds: a fresh working dir reads the shared state and plans no change. */
  @IsInt({ message: 'DCO_DRILL_DEPLOYER_STATE_LOSS_RTO_S must be an integer' })
  @Min(1)
  DCO_DRILL_DEPLOYER_STATE_LOSS_RTO_S = 180;

  /** Nodes of the graph the `neo4j-loss` drill serves, backs up and restores. */
  @IsInt({ message: 'DCO_DRILL_NEO4J_NODES must be an integer' })
  @Min(1)
  @Max(10_000_000)
  DCO_DRILL_NEO4J_NODES = 20_000;

  /** Neo4j version of the drill's servers (the jars `npm run stack:up` installed). */
  @Matches(/^\d+\.\d+\.\d+$/, { message: 'DCO_DRILL_NEO4J_VERSION must be a version like 5.26.19' })
  DCO_DRILL_NEO4J_VERSION = '5.26.19';

  /** Comma-separated host:port list of the Kafka the saga stores its runs in (the refusal reads it; so does a drill). */
  @Matches(BROKERS_PATTERN, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:19092';

  /** The orchestrators' topic prefix (the saga's SagaState topic the refusal reads). */
  @IsOptional()
  @Matches(TOPIC_PREFIX_PATTERN, {
    message: 'DCO_TOPIC_PREFIX must be up to 41 lowercase letters, digits, dots or dashes',
  })
  DCO_TOPIC_PREFIX?: string;

  /** Bucket of the `deployer-state-loss` drill's shared tofu state (its own prefix dr-drill/<id>, removed after). */
  @Matches(/^[a-z0-9][a-z0-9.-]{2,62}$/, { message: 'DCO_INFRA_BUCKET must be an S3 bucket name' })
  DCO_INFRA_BUCKET = 'dco-dr-drill';

  /** The orchestrators' namespace (the refusal's throw-away consumer group is named after it). */
  @Matches(NAMESPACE_PATTERN, { message: 'DCO_NAMESPACE must be 1-40 lowercase letters, digits or dashes' })
  DCO_NAMESPACE = 'dco';
}

export function objectiveOf(kind: DrillKind, config: DrillConfig): DrillObjective {
  switch (kind) {
    case 'neo4j-loss':
      // A backup is a point in time: writes after it are the exposure; writes before it must all come back.
      return { rtoS: config.DCO_DRILL_NEO4J_LOSS_RTO_S, rpo: 'covered' };
    case 'orchestrator-loss':
      return { rtoS: config.DCO_DRILL_ORCHESTRATOR_LOSS_RTO_S, rpo: 'zero' };
    case 'deployer-state-loss':
      return { rtoS: config.DCO_DRILL_DEPLOYER_STATE_LOSS_RTO_S, rpo: 'zero' };
  }
}
