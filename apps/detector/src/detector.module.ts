// The detector service: finds what changed since the last run (AMIs, Terraform, releases, dependencies, AWS offering, external reports).
import { DynamicModule, Module } from '@nestjs/common';
import { DETECT_CHANGES_PORT } from '@dco/platform';
import { DetectorConfig } from './detector.config';
import { DetectorController } from './detector.controller';
import { simulatedDetector } from './simulated/simulated-detector';
import { detectorForProfile } from './detect-changes/detect-changes.factory';
import { ExternalInboxModule } from './external-inbox/external-inbox.module';

@Module({})
export class DetectorModule {
  static register(config: DetectorConfig): DynamicModule {
    const simulated = simulatedDetector(config);
    const real = config.DCO_STAGE_ENGINE === 'real' ? detectorForProfile(config) : undefined;
    return {
      module: DetectorModule,
      imports: real
        ? [ExternalInboxModule.register(real.store, config, `${config.DCO_NAMESPACE}.detector.external-inbox`)]
        : [],
      controllers: [DetectorController],
      providers: [{ provide: DETECT_CHANGES_PORT, useValue: real?.detectChanges ?? simulated.detectChanges }],
    };
  }
}
