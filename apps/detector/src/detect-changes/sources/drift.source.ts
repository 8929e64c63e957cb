// drift: the live ECS services, task definitions and EventBridge rules (read through the SDK) against what the last
// apply left; each differing attribute is a change of kind `drift`, re-applied or sent for approval by DCO_DRIFT_POLICY.
import { Change } from '@dco/contracts';
import { EcsServices, EventBus } from '@dco/aws';
import { ChangeSource } from '../change-source.port';
import {
  DriftPolicy,
  ExpectedResources,
  LiveResources,
  compareDrift,
  driftChanges,
  expectedResources,
} from '../drift/drift-comparison';

/** The variables of the last applied configuration (its snapshot's terraform.tfvars.json); undefined before any apply. */
export type AppliedVariables = () => Promise<unknown>;

export class DriftSource implements ChangeSource {
  readonly name = 'drift';

  constructor(
    private readonly applied: AppliedVariables,
    private readonly ecs: EcsServices,
    private readonly events: EventBus,
    private readonly policy: DriftPolicy,
  ) {}

  async detect(): Promise<Change[]> {
    if (this.policy === 'ignore') return [];
    const vars = await this.applied();
    // Nothing applied yet: nothing can have drifted from it (the first apply is terraform-config's change).
    if (vars === undefined) return [];
    const expected = expectedResources(vars);
    return driftChanges(compareDrift(expected, await this.live(expected)), this.policy);
  }

  private async live(expected: ExpectedResources): Promise<LiveResources> {
    const services = await Promise.all(
      expected.services.map(async (service) => {
        const [status, definition] = await Promise.all([
          this.ecs.describeService(expected.cluster, service.app),
          this.ecs.describeTaskDefinition(service.family),
        ]);
        return {
          app: service.app,
          ...(status ? { desiredCount: status.desiredCount } : {}),
          ...(definition ? { taskEnvironment: definition.environment } : {}),
        };
      }),
    );
    const rules = await this.events.listRules(expected.eventBus).catch((error: unknown) => {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw error;
    });
    return { services, ...(rules ? { rules } : {}) };
  }
}
