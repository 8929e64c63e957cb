// Environment of the detector service (validated at boot).
import { IntersectionType } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsParsedBy, Neo4jFleetConfig, parseSimulatedBehaviour, StageEngineConfig } from '@dco/platform';
import { DetectChangesConfig } from './detect-changes/detect-changes.config';
import { parseProducerKeys } from './external-inbox/external-signature';
import { parseSimulatedChanges } from './simulated/simulated-detector';

/** Every variable the detector reads: the common ones, the fleet's scope, the sources', the inbox's and the stage engine's. */
export class DetectorConfig extends IntersectionType(Neo4jFleetConfig, DetectChangesConfig, StageEngineConfig) {
  /** Outcome of the in-memory DetectChanges stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_DETECT', value))
  DCO_SIMULATE_DETECT?: string;

  /** Changes the in-memory stand-in reports: comma-separated change kinds, or none (default neo4j-ami,terraform-config). */
  @IsOptional()
  @IsParsedBy(parseSimulatedChanges)
  DCO_SIMULATED_CHANGES?: string;

  /**
   * The external inbox's producer keys: "producer:keyId:base64key" (or "producer:base64key"), comma-separated, each key
   * at least 16 bytes; several per producer during a rotation.
   */
  @IsOptional()
  @IsParsedBy(parseProducerKeys)
  DCO_EXTERNAL_KEYS?: string;

  /** How far (either way) a report's reportedAt may be from the detector's clock when it arrives; default 5 min. */
  @IsInt({ message: 'DCO_EXTERNAL_MAX_AGE_MS must be an integer number of milliseconds' })
  @Min(1_000)
  @Max(24 * 3_600_000)
  DCO_EXTERNAL_MAX_AGE_MS = 5 * 60_000;
}
