// Entry point of the detector service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { DetectorConfig } from './detector.config';
import { DetectorModule } from './detector.module';

void runService({
  service: 'detector',
  config: DetectorConfig,
  feature: (config) => DetectorModule.register(config),
  createBus,
});
