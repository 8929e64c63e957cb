// The feature modules of every service, as the embedded process composes them over one bus (npm start, and specs that
// play a whole day in one process).
import { DynamicModule } from '@nestjs/common';
import { loadConfig } from '@dco/platform';
import { DbMigratorConfig } from '../../db-migrator/src/db-migrator.config';
import { DbMigratorModule } from '../../db-migrator/src/db-migrator.module';
import { DcoRunnerConfig } from '../../dco-runner/src/dco-runner.config';
import { DcoRunnerModule } from '../../dco-runner/src/dco-runner.module';
import { DetectorConfig } from '../../detector/src/detector.config';
import { DetectorModule } from '../../detector/src/detector.module';
import { InfraDeployerConfig } from '../../infra-deployer/src/infra-deployer.config';
import { InfraDeployerModule } from '../../infra-deployer/src/infra-deployer.module';
import { OrchestratorConfig } from '../../orchestrator/src/orchestrator.config';
import { OrchestratorModule } from '../../orchestrator/src/orchestrator.module';
import { SchedulerConfig } from '../../scheduler/src/scheduler.config';
import { SchedulerModule } from '../../scheduler/src/scheduler.module';

/** What `npm start` runs unless the environment says otherwise: real stages, a seeded ledger, no catch-up tick. */
export const EMBEDDED_DEFAULTS: Record<string, string> = {
  DCO_STAGE_ENGINE: 'real',
  DCO_DAILY_AMOUNT: '1000000000000',
  DCO_DEMO_ACCOUNTS: '2000',
  DCO_DEMO_CONTRIBUTIONS: '10000',
  SCHEDULE_CATCH_UP: 'none',
};

export function serviceModules(env: NodeJS.ProcessEnv, orchestratorConfig = loadConfig(OrchestratorConfig, env)): DynamicModule[] {
  return [
    OrchestratorModule.register(orchestratorConfig),
    SchedulerModule.register(loadConfig(SchedulerConfig, env)),
    DetectorModule.register(loadConfig(DetectorConfig, env)),
    InfraDeployerModule.register(loadConfig(InfraDeployerConfig, env)),
    DbMigratorModule.register(loadConfig(DbMigratorConfig, env)),
    DcoRunnerModule.register(loadConfig(DcoRunnerConfig, env)),
  ];
}
