// HealthProbe for the embedded profile, where services are in-memory fakes with no process to ask: healthy when ECS
// reports every desired task running. Never used where real endpoints exist (DCO_HEALTH_ENDPOINTS).
import { EcsServices } from '../ecs/ecs-services.port';
import { HealthProbe, HealthSample, HealthTarget } from './health-probe.port';

export class EcsStatusHealthProbe implements HealthProbe {
  constructor(
    private readonly ecs: EcsServices,
    private readonly cluster: string,
  ) {}

  async sample(target: HealthTarget): Promise<HealthSample> {
    const status = await this.ecs.describeService(this.cluster, target.service);
    if (!status) return { healthy: false, detail: `${target.service} does not exist on ${this.cluster}` };
    const healthy = status.runningCount === status.desiredCount;
    return { healthy, detail: `${status.runningCount}/${status.desiredCount} tasks running` };
  }
}
