// The feature modules of every service, as the embedded process composes them over one bus (npm start, and specs that
// play a whole day in one process).
import { DynamicModule } from '@nestjs/common';
import { loadConfig } from '@dco/platform';
import { DbMigratorConfig, DbMigratorModule } from '../../db-migrator/src';
import { DcoRunnerConfig, DcoRunnerModule } from '../../dco-runner/src';
import { DetectorConfig, DetectorModule } from '../../detector/src';
import { InfraDeployerConfig, InfraDeployerModule } from '../../infra-deployer/src';
import { OrchestratorConfig, OrchestratorModule } from '../../orchestrator/src';
import { SchedulerConfig, SchedulerModule } from '../../scheduler/src';

/** What `npm start` runs unless the environment says otherwise: real stages, a seeded ledger, no catch-up tick. */
export const EMBEDDED_DEFAULTS: Record<string, string> = {
  DCO_STAGE_ENGINE: 'real',
  DCO_DAILY_AMOUNT: '1000000000000',
  DCO_DEMO_ACCOUNTS: '2000',
  DCO_DEMO_CONTRIBUTIONS: '10000',
  SCHEDULE_CATCH_UP: 'none',
};

export function serviceModules(
  env: NodeJS.ProcessEnv,
  orchestratorConfig = loadConfig(OrchestratorConfig, env),
): DynamicModule[] {
  return [
    OrchestratorModule.register(orchestratorConfig),
    SchedulerModule.register(loadConfig(SchedulerConfig, env)),
    DetectorModule.register(loadConfig(DetectorConfig, env)),
    InfraDeployerModule.register(loadConfig(InfraDeployerConfig, env)),
    DbMigratorModule.register(loadConfig(DbMigratorConfig, env)),
    DcoRunnerModule.register(loadConfig(DcoRunnerConfig, env)),
  ];
}
