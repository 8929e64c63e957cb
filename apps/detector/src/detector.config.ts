// Environment of the detector service (validated at boot).
import { IsIn, IsOptional, IsString } from 'class-validator';
import { Neo4jFleetConfig } from '@dco/platform';

export class DetectorConfig extends Neo4jFleetConfig {
  /** Which implementation of the stage runs: the in-memory stand-in with configured outcomes, or the real use case. */
  @IsIn(['simulated', 'real'], { message: 'DCO_STAGE_ENGINE must be simulated or real' })
  DCO_STAGE_ENGINE: 'simulated' | 'real' = 'simulated';

  /** Outcome of the in-memory DetectChanges stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsString()
  DCO_SIMULATE_DETECT?: string;
}
