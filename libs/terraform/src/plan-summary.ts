// Pure reading of a plan: counts for policy and the reasons a person must approve it.
import { PlanSummary } from '@dco/contracts';
import { PlanJson } from './tofu-runner.port';

export function summarizePlan(planId: string, plan: PlanJson): PlanSummary {
  const summary: PlanSummary = { planId, adds: 0, changes: 0, destroys: 0, replaced: [] };
  for (const resource of plan.resource_changes ?? []) {
    const actions = resource.change.actions;
    if (actions.includes('delete') && actions.includes('create')) summary.replaced.push(resource.address);
    else if (actions.includes('create')) summary.adds++;
    else if (actions.includes('update')) summary.changes++;
    else if (actions.includes('delete')) summary.destroys++;
  }
  summary.replaced.sort();
  return summary;
}

export function planHasWork(summary: PlanSummary): boolean {
  return summary.adds + summary.changes + summary.destroys + summary.replaced.length > 0;
}

export interface ApprovalPolicy {
  /** Replacing one of these addresses (prefix match) needs approval, e.g. the Neo4j instance. */
  protectedAddresses: string[];
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  protectedAddresses: ['terraform_data.neo4j_instance', 'module.aws.aws_instance.neo4j'],
};

/** Why this plan needs a person: any destroy, or a replaced protected resource. Empty = apply unattended. */
export function approvalReasons(summary: PlanSummary, policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): string[] {
  const reasons: string[] = [];
  if (summary.destroys > 0) reasons.push(`the plan destroys ${summary.destroys} resource(s)`);
  for (const address of summary.replaced) {
    if (
      policy.protectedAddresses.some(
        (prefix) => address === prefix || address.startsWith(`${prefix}[`) || address.startsWith(`${prefix}.`),
      )
    ) {
      reasons.push(`the plan replaces ${address}`);
    }
  }
  return reasons;
}

export function describePlan(summary: PlanSummary): string {
  return `${summary.adds} to add, ${summary.changes} to change, ${summary.destroys} to destroy, ${summary.replaced.length} to replace`;
}
