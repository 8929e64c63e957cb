// The orchestrator service: the saga of every run, its policy, the REST API and the dashboard.
import { DynamicModule, Module } from '@nestjs/common';
import { OrchestratorConfig } from './orchestrator.config';

@Module({})
export class OrchestratorModule {
  static register(_config: OrchestratorConfig): DynamicModule {
    return { module: OrchestratorModule, providers: [] };
  }
}
