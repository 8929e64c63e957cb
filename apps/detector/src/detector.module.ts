// The detector service: finds what changed since the last run (AMIs, Terraform, releases, dependencies, AWS offering, external reports).
import { DynamicModule, Module } from '@nestjs/common';
import { DETECT_CHANGES_PORT } from '@dco/platform';
import { DetectorConfig } from './detector.config';
import { DetectorWorker } from './detector.worker';
import { simulatedDetector } from './simulated/simulated-detector';

@Module({})
export class DetectorModule {
  static register(config: DetectorConfig): DynamicModule {
    const simulated = simulatedDetector(config);
    return {
      module: DetectorModule,
      providers: [
        { provide: DETECT_CHANGES_PORT, useValue: simulated.detectChanges },
        DetectorWorker,
      ],
    };
  }
}
