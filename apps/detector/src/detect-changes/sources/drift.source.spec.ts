import { InMemoryEcsServices, InMemoryEventBus } from '@dco/aws';
import { loadConfig } from '@dco/platform';
import { DetectSourcesConfig } from '../detect-changes.config';
import { DriftSource } from './drift.source';

const VARS = {
  environment: 'local',
  cluster_name: 'c1',
  event_bus_name: 'bus1',
  neo4j_uri: 'bolt://db:7687',
  apps: { orchestrator: { image: 'o:1', desired_count: 2 } },
};

async function cloud() {
  const ecs = new InMemoryEcsServices();
  const events = new InMemoryEventBus();
  await ecs.ensureCluster('c1');
  const definition = await ecs.registerTaskDefinition({
    family: 'dco-local-orchestrator',
    image: 'o:1',
    environment: { DCO_APP: 'orchestrator', NEO4J_URI: 'bolt://db:7687' },
  });
  await ecs.createService({
    cluster: 'c1',
    serviceName: 'orchestrator',
    taskDefinition: definition.arn,
    desiredCount: 2,
  });
  await events.ensureBus('bus1');
  await events.putRule({ busName: 'bus1', name: 'dco-alerts', eventPattern: { source: ['dco.autopilot'] } });
  return { ecs, events };
}

describe('DriftSource', () => {
  it('nothing before the first apply, nothing while in sync, then the hand-scaled service', async () => {
    const { ecs, events } = await cloud();
    let applied: unknown = undefined;
    const source = new DriftSource(async () => applied, ecs, events, 'reapply');
    await expect(source.detect()).resolves.toEqual([]);
    applied = VARS;
    await expect(source.detect()).resolves.toEqual([]);

    await ecs.updateService({ cluster: 'c1', serviceName: 'orchestrator', desiredCount: 7 });
    await expect(source.detect()).resolves.toEqual([
      expect.objectContaining({
        kind: 'drift',
        from: '2',
        to: '7',
        risk: 'medium',
        drift: expect.objectContaining({
          attribute: 'desiredCount',
          address: 'terraform_data.service_scale["orchestrator"]',
        }),
      }),
    ]);
  });

  it('ignore: reads nothing at all', async () => {
    const read = jest.fn(async () => VARS);
    const { ecs, events } = await cloud();
    await ecs.updateService({ cluster: 'c1', serviceName: 'orchestrator', desiredCount: 7 });
    await expect(new DriftSource(read, ecs, events, 'ignore').detect()).resolves.toEqual([]);
    expect(read).not.toHaveBeenCalled();
  });
});

describe('DCO_DRIFT_POLICY', () => {
  it('defaults to reapply and takes approve or ignore', () => {
    expect(loadConfig(DetectSourcesConfig, {}).DCO_DRIFT_POLICY).toBe('reapply');
    expect(loadConfig(DetectSourcesConfig, { DCO_DRIFT_POLICY: 'approve' }).DCO_DRIFT_POLICY).toBe('approve');
  });

  it('rejects any other value (CONFIG.INVALID) naming the variable', () => {
    expect(() => loadConfig(DetectSourcesConfig, { DCO_DRIFT_POLICY: 'restore' })).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('DCO_DRIFT_POLICY') }),
    );
  });
});
