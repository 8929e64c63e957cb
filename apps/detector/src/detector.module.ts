// The detector service: finds what changed since the last run (AMIs, Terraform, releases, dependencies, AWS offering, external reports).
import { DynamicModule, Module } from '@nestjs/common';
import { DETECT_CHANGES_PORT } from '@dco/platform';
import { DetectorConfig } from './detector.config';
import { DetectorWorker } from './detector.worker';
import { simulatedDetector } from './simulated/simulated-detector';
import { systemClock } from '@dco/contracts';
import { buildDetectChanges } from './detect-changes/detect-changes.factory';
import { ExternalInboxModule } from './external-inbox/external-inbox.module';

@Module({})
export class DetectorModule {
  static register(config: DetectorConfig): DynamicModule {
    const simulated = simulatedDetector(config);
    const real = config.DCO_STAGE_ENGINE === 'real' ? buildDetectChanges(process.env, { clock: systemClock }) : undefined;
    return {
      module: DetectorModule,
      imports: real ? [ExternalInboxModule.register(real.store)] : [],
      providers: [
        { provide: DETECT_CHANGES_PORT, useValue: real?.detectChanges ?? simulated.detectChanges },
        DetectorWorker,
      ],
    };
  }
}
