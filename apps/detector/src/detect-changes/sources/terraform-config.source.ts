// terraform-config: the infra directory's content hash against the last applied one, confirmed by a real plan.
import { Change } from '@dco/contracts';
import { ChangeSource, DetectionContext } from '../change-source.port';

/** What the infra-deployer's workspace knows about the configuration (implemented over libs/terraform). */
export interface InfraConfigState {
  currentHash(): Promise<string>;
  lastAppliedHash(): Promise<string | undefined>;
  /** `tofu plan -detailed-exitcode`: true on exit 2; a plan error throws (INFRA.PLAN_FAILED). */
  planHasChanges(
    signal?: AbortSignal,
  ): Promise<{ changes: boolean; destroys: number; replaced: number; summary: string }>;
}

export class TerraformConfigSource implements ChangeSource {
  readonly name = 'terraform-config';

  constructor(private readonly infra: InfraConfigState) {}

  async detect(context?: DetectionContext): Promise<Change[]> {
    const [current, applied] = await Promise.all([this.infra.currentHash(), this.infra.lastAppliedHash()]);
    // Equal hashes skip the plan: the plan costs seconds and a no-change day must stay fast. Drift made outside
    // Terraform is the apply's business (it plans anyway), not detection's.
    if (current === applied) return [];
    const plan = await this.infra.planHasChanges(context?.signal);
    if (!plan.changes) return [];
    return [
      {
        kind: 'terraform-config',
        subject: 'infra',
        ...(applied ? { from: applied } : {}),
        to: current,
        risk: plan.destroys + plan.replaced > 0 ? 'high' : 'medium',
        reason: applied
          ? `configuration changed since the last apply; plan: ${plan.summary}`
          : `never applied; plan: ${plan.summary}`,
      },
    ];
  }
}
