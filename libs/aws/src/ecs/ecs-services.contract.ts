// The behaviour every EcsServices must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { EcsServices } from './ecs-services.port';

export function ecsServicesContract(label: string, make: () => Promise<EcsServices>): void {
  describe(`EcsServices contract: ${label}`, () => {
    const run = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const cluster = `cluster-${run}`;

    it('registers numbered revisions of a family with image and environment', async () => {
      const ecs = await make();
      const first = await ecs.registerTaskDefinition({
        family: `app-${run}`,
        image: 'repo/app:1',
        environment: { NEO4J_URI: 'bolt://a:7687' },
      });
      const second = await ecs.registerTaskDefinition({
        family: `app-${run}`,
        image: 'repo/app:2',
        environment: { NEO4J_URI: 'bolt://b:7687' },
      });
      expect(second.revision).toBe(first.revision + 1);
      expect(await ecs.describeTaskDefinition(first.arn)).toMatchObject({
        image: 'repo/app:1',
        environment: { NEO4J_URI: 'bolt://a:7687' },
      });
      expect(await ecs.describeTaskDefinition(`app-${run}`)).toMatchObject({ arn: second.arn, image: 'repo/app:2' });
      expect(await ecs.describeTaskDefinition(`missing-${run}`)).toBeUndefined();
    });

    it('creates, updates and describes a service on a cluster', async () => {
      const ecs = await make();
      await ecs.ensureCluster(cluster);
      await ecs.ensureCluster(cluster);
      const v1 = await ecs.registerTaskDefinition({ family: `svc-${run}`, image: 'repo/svc:1', environment: {} });
      const v2 = await ecs.registerTaskDefinition({ family: `svc-${run}`, image: 'repo/svc:2', environment: {} });
      await ecs.createService({ cluster, serviceName: `svc-${run}`, taskDefinition: v1.arn, desiredCount: 2 });
      expect(await ecs.describeService(cluster, `svc-${run}`)).toMatchObject({
        taskDefinition: v1.arn,
        desiredCount: 2,
      });
      await ecs.updateService({ cluster, serviceName: `svc-${run}`, taskDefinition: v2.arn, desiredCount: 3 });
      const after = await ecs.describeService(cluster, `svc-${run}`);
      expect(after).toMatchObject({ taskDefinition: v2.arn, desiredCount: 3 });
      expect(after?.deployments.length).toBeGreaterThan(0);
      expect(await ecs.listServices(cluster)).toContain(`svc-${run}`);
      expect(await ecs.describeService(cluster, `absent-${run}`)).toBeUndefined();
      expect(await ecs.describeService(`no-cluster-${run}`, `svc-${run}`)).toBeUndefined();
      await ecs.deleteService(cluster, `svc-${run}`);
      await ecs.deleteService(cluster, `svc-${run}`);
      expect(await ecs.describeService(cluster, `svc-${run}`)).toBeUndefined();
      expect(await ecs.listServices(cluster)).not.toContain(`svc-${run}`);
    });

    it('starts a new deployment of the same revision when forced', async () => {
      const ecs = await make();
      await ecs.ensureCluster(cluster);
      const v1 = await ecs.registerTaskDefinition({ family: `forced-${run}`, image: 'repo/f:1', environment: {} });
      await ecs.createService({ cluster, serviceName: `forced-${run}`, taskDefinition: v1.arn, desiredCount: 1 });
      const before = await ecs.describeService(cluster, `forced-${run}`);
      const after = await ecs.updateService({ cluster, serviceName: `forced-${run}`, forceNewDeployment: true });
      expect(after.taskDefinition).toBe(v1.arn);
      expect(after.deployments[0]?.id).toBeTruthy();
      expect(after.deployments[0]?.id).not.toBe(before?.deployments[0]?.id);
      expect((await ecs.describeService(cluster, `forced-${run}`))?.deployments[0]?.id).toBe(after.deployments[0]?.id);
      await ecs.deleteService(cluster, `forced-${run}`);
    });

    it('rejects an update of a service that does not exist', async () => {
      const ecs = await make();
      await ecs.ensureCluster(cluster);
      await expect(ecs.updateService({ cluster, serviceName: `ghost-${run}`, desiredCount: 1 })).rejects.toThrow();
    });
  });
}
