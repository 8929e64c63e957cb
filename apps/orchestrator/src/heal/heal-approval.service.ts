// An operator's approval to heal a fault during a run's DCO (ADR 0033): kept for the healer's next action on that
// target and recorded in the audit trail with the credential's name and reason.
import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator, createMessage } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { ApiActor, CLOCK, ID_GENERATOR, MESSAGE_BUS } from '@dco/platform';
import { RunRegistry } from '../run-saga/run-registry';
import { HEAL_RULES } from './domain/heal-decision';
import { HEAL_AUDIT_SEQ_BASE, auditPlace } from './heal-audit';
import { HealApproval, HealApprovals } from './heal-approvals';
import { HealApprovalDto } from './heal.dto';

@Injectable()
export class HealApprovalService {
  constructor(
    private readonly approvals: HealApprovals,
    private readonly registry: RunRegistry,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async grant(body: HealApprovalDto, actor: ApiActor): Promise<HealApproval> {
    const now = this.clock.now();
    const approval: HealApproval = { ...body, actor: actor.name, at: now.toISOString() };
    const { runId, version } = auditPlace(this.registry.all(), now);
    await this.bus.publish(
      createMessage(
        'AuditRecorded',
        {
          kind: 'heal-approved',
          actor: actor.name,
          summary: `approved one ${HEAL_RULES[body.fault].action} of ${body.fault} on ${body.target} during the DCO`,
          cause: body.fault,
          version,
          seq: HEAL_AUDIT_SEQ_BASE,
          reason: body.reason,
        },
        { runId, producer: 'orchestrator' },
        { clock: this.clock, ids: this.ids },
      ),
    );
    this.approvals.grant(approval);
    return approval;
  }
}
