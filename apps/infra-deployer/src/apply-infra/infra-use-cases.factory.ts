// Builds the infra-deployer's use cases (ApplyInfra, RollbackInfra) from settings: real tofu + AWS SDK in the local and
// aws profiles, the plan simulator + in-memory ECS in the embedded one.
import { join, resolve } from 'node:path';
import { Clock } from '@dco/contracts';
import {
  AwsClientVariables,
  EcsServices,
  HealthMeter,
  HealthMetricNames,
  HealthProbe,
  HttpHealthMeter,
  HttpHealthProbe,
  RolloutPolicy,
  SdkEcsServices,
  awsClientOptions,
  healthComparisonPolicyOf,
  healthMetricNamesOf,
  parseHealthEndpoints,
} from '@dco/aws';
import {
  CliTofuRunner,
  RemoteState,
  SimulatedTofuRunner,
  TerraformWorkspace,
  TofuRunner,
  defaultTofuBinary,
  remoteStateOf,
} from '@dco/terraform';
import { RollbackInfraHandler } from '../rollback-infra/rollback-infra.handler';
import { ApplyInfraConfig } from './apply-infra.config';
import { ApplyInfraHandler } from './apply-infra.handler';
import { EcsRollout, RolloutLog } from './ecs-rollout';

export interface InfraSettings {
  /** Repository root: infra/ and the provisioner script live under it. */
  repoRoot: string;
  configDir: string;
  stateDir: string;
  engine: 'tofu' | 'simulated';
  rollout: RolloutPolicy;
  env?: Record<string, string>;
  /** State, plans and records in S3 (DCO_INFRA_BUCKET); unset = the local backend and files in stateDir. */
  remote?: RemoteState;
  /** The metrics the health comparison reads (DCO_HEALTH_*_COUNTER/HISTOGRAM); defaults when absent. */
  healthMetrics?: HealthMetricNames;
}

/** Settings from the validated config (DCO_INFRA_*, DCO_ROLLOUT_*, DCO_ECS_CLUSTER, DCO_AWS_ENDPOINT). */
export function infraSettingsOf(config: ApplyInfraConfig, repoRoot = resolve(__dirname, '../../../..')): InfraSettings {
  return {
    repoRoot,
    configDir: config.DCO_INFRA_CONFIG_DIR ?? join(repoRoot, 'infra'),
    stateDir: config.DCO_INFRA_STATE_DIR ?? join(config.DCO_STATE_DIR ?? join(repoRoot, '.stack'), 'infra-deployer'),
    engine: config.DCO_INFRA_ENGINE,
    rollout: {
      cluster: config.DCO_ECS_CLUSTER,
      canaryFraction: config.DCO_ROLLOUT_CANARY_FRACTION,
      canaryAnalysisMs: config.DCO_ROLLOUT_CANARY_ANALYSIS_MS,
      gateMs: config.DCO_ROLLOUT_GATE_MS,
      pollIntervalMs: config.DCO_ROLLOUT_POLL_MS,
      steadyStateTimeoutMs: config.DCO_ROLLOUT_STEADY_TIMEOUT_MS,
      maxErrorRate: config.DCO_ROLLOUT_MAX_ERROR_RATE,
      failureThreshold: config.DCO_ROLLOUT_FAILURE_THRESHOLD,
      health: healthComparisonPolicyOf(config),
    },
    healthMetrics: healthMetricNamesOf(config),
    ...(config.DCO_AWS_ENDPOINT ? { env: { DCO_AWS_ENDPOINT: config.DCO_AWS_ENDPOINT } } : {}),
    remote: remoteStateOf(config),
  };
}

export interface InfraDependencies {
  clock: Clock;
  ecs?: EcsServices;
  probe?: HealthProbe;
  /** Reads health for the before/after comparison; default: the metrics URLs of DCO_HEALTH_ENDPOINTS. */
  meter?: HealthMeter;
  tofu?: TofuRunner;
  log?: RolloutLog;
}

/** The AWS clients', the tofu binary's and DCO_HEALTH_ENDPOINTS: a validated config, or (the day's stack preparation) an environment. */
export type InfraClientVariables = AwsClientVariables & {
  DCO_HEALTH_ENDPOINTS?: string;
  DCO_TOFU_BIN?: string;
  XDG_CACHE_HOME?: string;
};

export function buildInfraUseCases(settings: InfraSettings, deps: InfraDependencies, clients: InfraClientVariables) {
  const tofu =
    deps.tofu ??
    (settings.engine === 'tofu'
      ? new CliTofuRunner({ binary: defaultTofuBinary(clients) })
      : new SimulatedTofuRunner());
  const localAwsCommand = `${process.execPath} -r ${join(settings.repoRoot, 'tools', 'register.js')} ${join(settings.repoRoot, 'infra', 'scripts', 'local-aws.ts')}`;
  const workspace = new TerraformWorkspace(
    tofu,
    {
      configDir: settings.configDir,
      stateDir: settings.stateDir,
      vars: { local_aws_command: localAwsCommand },
      ...settings.remote?.options,
      env: { ...settings.env, ...settings.remote?.env },
    },
    deps.clock,
  );
  const ecs = deps.ecs ?? SdkEcsServices.fromOptions(awsClientOptions({ ...clients, ...settings.env }));
  const endpoints = parseHealthEndpoints(clients.DCO_HEALTH_ENDPOINTS);
  const probe =
    deps.probe ?? new HttpHealthProbe({ endpoints, requestCounter: settings.healthMetrics?.requestCounter });
  const meter = deps.meter ?? new HttpHealthMeter(endpoints, settings.healthMetrics);
  const rollout = new EcsRollout(ecs, probe, settings.rollout, deps.log, meter);
  return {
    workspace,
    rollout,
    applyInfra: new ApplyInfraHandler(workspace, rollout, undefined, deps.log),
    rollbackInfra: new RollbackInfraHandler(workspace, rollout),
  };
}
