// The embedded profile's real stage use cases on the shared in-memory cloud and the plan simulator: a day's detection
// feeds its apply, the next day sees the deployed state, rollback restores the services.
import { createMessage, systemClock } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { detectorFromEnv } from '../../../detector/src';
import { realInfraDeployerFromEnv } from './infra-ports.factory';

const ids = { next: () => randomUUID() };
const context = { attempt: 1, emit: async () => undefined };
const message = <T extends 'DetectChanges' | 'ApplyInfra' | 'RollbackInfra'>(
  type: T,
  data: Parameters<typeof createMessage<T>>[1],
  day: string,
) => createMessage(type, data, { runId: `dco-${day}`, producer: 'orchestrator' }, { clock: systemClock, ids });

describe('embedded profile: detection, apply and rollback on the in-memory cloud', () => {
  const env = {
    ...process.env,
    DCO_PROFILE: 'embedded',
    DCO_ROLLOUT_CANARY_ANALYSIS_MS: '50',
    DCO_ROLLOUT_GATE_MS: '50',
    DCO_ROLLOUT_POLL_MS: '10',
  };

  it('detects the demo changes, applies them, sees them deployed, rolls the release back', async () => {
    const detector = detectorFromEnv(env);
    const infra = realInfraDeployerFromEnv(env);

    const first = await detector.detectChanges(message('DetectChanges', { day: '2026-11-27' }, '2026-11-27'), context);
    expect(first?.changes.map((change) => change.kind).sort()).toEqual(['neo4j-ami', 'terraform-config']);

    const release = {
      kind: 'app-release' as const,
      subject: 'dco-runner',
      to: 'dco-autopilot/dco-runner:0.2.0',
      risk: 'low' as const,
      reason: 'demo release',
    };
    const applied = await infra.applyInfra(
      message('ApplyInfra', { day: '2026-11-27', changes: [...(first?.changes ?? []), release] }, '2026-11-27'),
      context,
    );
    expect(applied).toMatchObject({
      type: 'InfraApplied',
      data: { plan: { adds: 7 }, services: [{ service: 'dco-runner' }] },
    });

    const next = await detector.detectChanges(message('DetectChanges', { day: '2026-11-28' }, '2026-11-28'), context);
    expect(next?.changes.map((change) => `${change.kind}:${change.subject}`)).toEqual([
      'neo4j-ami:neo4j',
      'app-release:dco-runner',
    ]);

    const rolledBack = await infra.rollbackInfra(
      message('RollbackInfra', { day: '2026-11-27', reason: 'DCO failed' }, '2026-11-27'),
      context,
    );
    expect(rolledBack?.services).toEqual([
      { service: 'dco-runner', taskDefinition: expect.stringMatching(/dco-local-dco-runner:1$/) },
    ]);
  });
});
