// Operators' approvals to heal a fault during a run's DCO (ADR 0033): each is used once, by the next action on its target.
import { Injectable } from '@nestjs/common';
import { HealFault } from './domain/heal-decision';

export interface HealApproval {
  fault: HealFault;
  target: string;
  /** The credential's name. */
  actor: string;
  reason: string;
  at: string;
}

@Injectable()
export class HealApprovals {
  private readonly approvals = new Map<string, HealApproval>();

  grant(approval: HealApproval): void {
    this.approvals.set(`${approval.fault}|${approval.target}`, approval);
  }

  peek(fault: HealFault, target: string): HealApproval | undefined {
    return this.approvals.get(`${fault}|${target}`);
  }

  /** The approval, removed: an approval covers one action. */
  use(fault: HealFault, target: string): HealApproval | undefined {
    const approval = this.peek(fault, target);
    this.approvals.delete(`${fault}|${target}`);
    return approval;
  }

  pending(): HealApproval[] {
    return [...this.approvals.values()];
  }
}
