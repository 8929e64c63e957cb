// The manifests' topology: replicas per app from the Deployments, and a clear refusal of manifests it cannot read.
import { REPLICA_LIMITS } from '../replica-limits';
import { deployedNodeOptions, deployedTopology, topologyOf } from './deployed-topology';

const deployment = (name: string, replicas?: unknown) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${replicas === undefined ? '  selector: {}' : `  replicas: ${String(replicas)}`}\n`;

const allApps = (overrides: Record<string, string> = {}) => ({
  'orchestrator.yaml': `${deployment('orchestrator', 2)}---\nkind: Service\nmetadata:\n  name: orchestrator\n`,
  'detector.yaml': deployment('detector', 1),
  'infra-deployer.yaml': deployment('infra-deployer', 1),
  'db-migrator.yaml': deployment('db-migrator'),
  'dco-runner.yaml': deployment('dco-runner', 3),
  'scheduler.yaml': deployment('scheduler', 2),
  ...overrides,
});

describe('deployed topology', () => {
  it('reads each app replicas from its Deployment (1 when unset, as Kubernetes does) and ignores other kinds', () => {
    expect(topologyOf(allApps())).toEqual({
      orchestrator: 2,
      detector: 1,
      'infra-deployer': 1,
      'db-migrator': 1,
      'dco-runner': 3,
      scheduler: 2,
    });
  });

  it('is what the repository k8s/ deploys, and that matches the replica table', () => {
    const topology = deployedTopology();
    for (const [app, replicas] of Object.entries(topology))
      expect([app, replicas]).toEqual([app, REPLICA_LIMITS[app as keyof typeof REPLICA_LIMITS].replicas]);
  });

  it("gives every app the heap its k8s/ Deployment sets: 5/8 of the container's memory", () => {
    expect(deployedNodeOptions()).toEqual({
      scheduler: '--max-old-space-size=320',
      orchestrator: '--max-old-space-size=320',
      detector: '--max-old-space-size=320',
      'infra-deployer': '--max-old-space-size=320',
      'db-migrator': '--max-old-space-size=640',
      'dco-runner': '--max-old-space-size=640',
    });
  });

  it.each([
    ['a missing app', { 'detector.yaml': '' }, /no Deployment in the manifests for detector/],
    ['zero replicas', { 'detector.yaml': deployment('detector', 0) }, /Deployment detector has replicas 0/],
    ['a non-integer count', { 'detector.yaml': deployment('detector', '"two"') }, /replicas two/],
    ['a second Deployment', { 'extra.yaml': deployment('detector', 1) }, /a second Deployment for detector/],
    ['broken YAML', { 'detector.yaml': 'kind: [Deployment' }, /detector.yaml/],
  ])('refuses %s with DAY.TOPOLOGY_INVALID', (_name, override, message) => {
    expect(() => topologyOf(allApps(override))).toThrow(expect.objectContaining({ code: 'DAY.TOPOLOGY_INVALID' }));
    expect(() => topologyOf(allApps(override))).toThrow(message);
  });
});
