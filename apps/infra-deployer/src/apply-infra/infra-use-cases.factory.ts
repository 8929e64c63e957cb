// Builds the infra-deployer's use cases (ApplyInfra, RollbackInfra) from settings: real tofu + AWS SDK in the local and
// aws profiles, the plan simulator + in-memory ECS in the embedded one.
import { join, resolve } from 'node:path';
import { Clock, ConfigError } from '@dco/contracts';
import {
  DEFAULT_ROLLOUT_POLICY,
  EcsRollout,
  EcsServices,
  HealthProbe,
  HttpHealthProbe,
  RolloutLog,
  RolloutPolicy,
  SdkEcsServices,
  awsClientOptions,
  parseHealthEndpoints,
} from '@dco/aws';
import { CliTofuRunner, SimulatedTofuRunner, TerraformWorkspace, TofuRunner } from '@dco/terraform';
import { RollbackInfraHandler } from '../rollback-infra/rollback-infra.handler';
import { ApplyInfraHandler } from './apply-infra.handler';

export interface InfraSettings {
  /** Repository root: infra/ and the provisioner script live under it. */
  repoRoot: string;
  configDir: string;
  stateDir: string;
  engine: 'tofu' | 'simulated';
  rollout: RolloutPolicy;
  env?: Record<string, string>;
}

/** Settings from the environment (DCO_INFRA_*, DCO_ROLLOUT_*, DCO_AWS_ENDPOINT). */
export function infraSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, repoRoot = resolve(__dirname, '../../../..')): InfraSettings {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  return {
    repoRoot,
    configDir: env.DCO_INFRA_CONFIG_DIR ?? join(repoRoot, 'infra'),
    stateDir: env.DCO_INFRA_STATE_DIR ?? join(env.DCO_STATE_DIR ?? join(repoRoot, '.stack'), 'infra-deployer'),
    engine: env.DCO_INFRA_ENGINE === 'simulated' ? 'simulated' : 'tofu',
    rollout: {
      cluster: env.DCO_ECS_CLUSTER ?? 'dco-autopilot',
      canaryFraction: number('DCO_ROLLOUT_CANARY_FRACTION', DEFAULT_ROLLOUT_POLICY.canaryFraction),
      canaryAnalysisMs: number('DCO_ROLLOUT_CANARY_ANALYSIS_MS', DEFAULT_ROLLOUT_POLICY.canaryAnalysisMs),
      gateMs: number('DCO_ROLLOUT_GATE_MS', DEFAULT_ROLLOUT_POLICY.gateMs),
      pollIntervalMs: number('DCO_ROLLOUT_POLL_MS', DEFAULT_ROLLOUT_POLICY.pollIntervalMs),
      steadyStateTimeoutMs: number('DCO_ROLLOUT_STEADY_TIMEOUT_MS', DEFAULT_ROLLOUT_POLICY.steadyStateTimeoutMs),
      maxErrorRate: number('DCO_ROLLOUT_MAX_ERROR_RATE', DEFAULT_ROLLOUT_POLICY.maxErrorRate),
    },
    ...(env.DCO_AWS_ENDPOINT ? { env: { DCO_AWS_ENDPOINT: env.DCO_AWS_ENDPOINT } } : {}),
  };
}

export interface InfraDependencies {
  clock: Clock;
  ecs?: EcsServices;
  probe?: HealthProbe;
  tofu?: TofuRunner;
  log?: RolloutLog;
}

export function buildInfraUseCases(settings: InfraSettings, deps: InfraDependencies, env: NodeJS.ProcessEnv = process.env) {
  const tofu = deps.tofu ?? (settings.engine === 'tofu' ? new CliTofuRunner() : new SimulatedTofuRunner());
  const localAwsCommand = `${process.execPath} -r ${join(settings.repoRoot, 'tools', 'register.js')} ${join(settings.repoRoot, 'infra', 'scripts', 'local-aws.ts')}`;
  const workspace = new TerraformWorkspace(
    tofu,
    { configDir: settings.configDir, stateDir: settings.stateDir, vars: { local_aws_command: localAwsCommand }, env: settings.env },
    deps.clock,
  );
  const ecs = deps.ecs ?? SdkEcsServices.fromOptions(awsClientOptions({ ...env, ...settings.env }));
  const probe = deps.probe ?? new HttpHealthProbe({ endpoints: parseHealthEndpoints(env.DCO_HEALTH_ENDPOINTS) });
  const rollout = new EcsRollout(ecs, probe, settings.rollout, deps.log);
  return {
    workspace,
    rollout,
    applyInfra: new ApplyInfraHandler(workspace, rollout, undefined, deps.log),
    rollbackInfra: new RollbackInfraHandler(workspace, rollout),
  };
}
