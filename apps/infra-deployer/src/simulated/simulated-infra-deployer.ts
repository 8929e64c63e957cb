// In-memory stand-in of the infra stage with outcomes from config (DCO_SIMULATE_APPLY_INFRA, DCO_SIMULATE_ROLLBACK_INFRA).
import { createHash } from 'node:crypto';
import { ApplyInfraPort, ApplyToStagingPort, RollbackInfraPort, actOut, parseSimulatedBehaviour } from '@dco/platform';
import { InfraDeployerConfig } from '../infra-deployer.config';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

export function simulatedInfraDeployer(config: InfraDeployerConfig) {
  const apply = parseSimulatedBehaviour('DCO_SIMULATE_APPLY_INFRA', config.DCO_SIMULATE_APPLY_INFRA);
  const rollback = parseSimulatedBehaviour('DCO_SIMULATE_ROLLBACK_INFRA', config.DCO_SIMULATE_ROLLBACK_INFRA);
  const services = (day: string) => [{ service: 'dco-runner', taskDefinition: `dco-runner:${day}` }];
  const applyInfra: ApplyInfraPort = async (command) => {
    if ((await actOut(apply, 'apply-infra')) === 'silent') return null;
    const planId = `plan-${command.runId}`;
    return {
      type: 'InfraApplied',
      data: {
        plan: { planId, adds: 0, changes: command.data.changes.length, destroys: 0, replaced: [] },
        services: services(command.data.day),
        configHash: hash(JSON.stringify(command.data.changes)),
      },
    };
  };
  // Staging rehearses the same stand-in apply (its outcome from DCO_SIMULATE_APPLY_INFRA), without waiting the soak.
  const applyToStaging: ApplyToStagingPort = async (command) => {
    if ((await actOut(apply, 'staging')) === 'silent') return null;
    return {
      type: 'StagingSoaked',
      data: {
        plan: {
          planId: `staging-plan-${command.runId}`,
          adds: 0,
          changes: command.data.changes.length,
          destroys: 0,
          replaced: [],
        },
        services: services(command.data.day),
        soakMs: command.data.soakMs,
      },
    };
  };
  const rollbackInfra: RollbackInfraPort = async (command) => {
    if ((await actOut(rollback, 'rollback-infra')) === 'silent') return null;
    return { configHash: hash('last-good'), services: services(command.data.day) };
  };
  return { applyToStaging, applyInfra, rollbackInfra };
}
