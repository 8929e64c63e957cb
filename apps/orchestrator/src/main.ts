// Entry point of the orchestrator service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { OrchestratorConfig } from './orchestrator.config';
import { OrchestratorModule } from './orchestrator.module';

void runService({
  service: 'orchestrator',
  config: OrchestratorConfig,
  feature: (config) => OrchestratorModule.register(config),
  createBus,
});
