// Renders a run's messages as a readable live log line each (npm start, npm run day).
import { AnyMessage } from '@dco/contracts';
import { AuditEntryView } from '../../orchestrator/src';
import { consoleLine } from '@dco/observability';

export function describeMessage(message: AnyMessage): string | undefined {
  switch (message.type) {
    case 'DailyTick':
      return `tick for ${message.data.day} (${message.data.trigger})`;
    case 'RunStarted':
      return `run started for ${message.data.day}`;
    case 'DetectChanges':
      return 'detecting changes...';
    case 'ChangesDetected':
      return message.data.changes.length === 0
        ? 'no change detected'
        : `detected ${message.data.changes.length} change(s): ` +
            message.data.changes
              .map(
                (change) => `${change.kind} ${change.subject} ${change.from ?? '-'} -> ${change.to} [${change.risk}]`,
              )
              .join('; ');
    case 'ApprovalRequested':
      return `waiting for approval: ${message.data.reasons.join('; ')}`;
    case 'ApprovalGranted':
      return `approved by ${message.data.by}: ${message.data.reason}`;
    case 'ApprovalRejected':
      return `rejected by ${message.data.by}: ${message.data.reason}`;
    case 'ApplyInfra':
      return 'applying infrastructure changes...';
    case 'InfraApprovalRequired':
      return `plan needs approval: ${message.data.reasons.join('; ')}`;
    case 'InfraApplied': {
      const plan = message.data.plan;
      const services =
        message.data.services.map((s) => `${s.service}@${s.taskDefinition}`).join(', ') || 'no service rollout';
      const replaced = plan.replaced.length > 0 ? ` (replaced ${plan.replaced.join(', ')})` : '';
      return `infrastructure applied: plan ${plan.planId} +${plan.adds} ~${plan.changes} -${plan.destroys}${replaced}; ${services}`;
    }
    case 'MigrateDb':
      return `migrating Neo4j blue-green to ${message.data.targetImageId}...`;
    case 'DbMigrationProgress':
      return `  migration ${message.data.phase}: ${message.data.done}/${message.data.total}`;
    case 'DbMigrated':
      return `Neo4j migrated ${message.data.fromVersion} -> ${message.data.toVersion}: ${message.data.nodes} nodes, ${message.data.relationships} relationships, checksum ${message.data.checksum.slice(0, 12)}, now serving ${message.data.boltUri}`;
    case 'RunDco':
      return message.data.afterRollback ? 'running the DCO on the previous infrastructure...' : 'running the DCO...';
    case 'DcoCompleted':
      return `DCO ${message.data.day}: offered ${message.data.offered}, allocated ${message.data.allocated} to ${message.data.allocationCount} accounts from ${message.data.contributionCount} contributions, undistributed ${message.data.undistributed}, hash ${message.data.resultHash.slice(0, 16)}${message.data.reused ? ' (stored result)' : ''}`;
    case 'RollbackDb':
    case 'RollbackInfra':
      return `${message.type === 'RollbackDb' ? 'rolling back the database' : 'rolling back infrastructure'} (${message.data.reason})...`;
    case 'DbRolledBack':
      return `database rolled back: serving ${message.data.servingInstanceId} at ${message.data.boltUri}`;
    case 'InfraRolledBack':
      return `infrastructure rolled back to config ${message.data.configHash.slice(0, 12)}`;
    case 'StepTimedOut':
      return `step ${message.data.step} timed out (deadline ${message.data.deadline})`;
    case 'DetectionFailed':
    case 'InfraApplyFailed':
    case 'InfraRollbackFailed':
    case 'DbMigrationFailed':
    case 'DbRollbackFailed':
    case 'DcoFailed':
      return `${message.type}: ${message.data.failure.code} ${message.data.failure.message}`;
    case 'AlertRaised':
      return `ALERT [${message.data.severity}] ${message.data.cause}: ${message.data.summary}`;
    case 'RunCompleted':
      return `RUN COMPLETED ${message.data.day}: steps ${message.data.steps.join(' -> ')}${message.data.deferred.length ? `, deferred ${message.data.deferred.length} change(s)` : ''}`;
    case 'RunCompletedAfterRollback':
      return `RUN COMPLETED AFTER ROLLBACK ${message.data.day}: ${message.data.failure.code}; rolled back ${message.data.rolledBack.join(', ') || 'nothing'}`;
    case 'RunFailed':
      return `RUN FAILED ${message.data.day}: ${message.data.failure.code}; pending ${message.data.pending.join(', ') || 'nothing'}`;
    default:
      return undefined;
  }
}

export function formatLine(message: AnyMessage): string | undefined {
  const text = describeMessage(message);
  return text === undefined ? undefined : consoleLine(message.occurredAt, message.runId, message.producer, text);
}

/** An audit entry as a console line: when, which run, who, what (and why when the summary does not say it). */
export function formatAuditLine(entry: AuditEntryView): string {
  const why = entry.reason && !entry.summary.includes(entry.reason) ? ` (why: ${entry.reason})` : '';
  return consoleLine(entry.at, entry.runId, entry.actor, `${entry.kind}: ${entry.summary}${why}`);
}

export const FINAL_TYPES = ['RunCompleted', 'RunCompletedAfterRollback', 'RunFailed'] as const;
