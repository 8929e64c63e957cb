// The message lists the orchestrator subscribes to and creates topics for, pinned to what they were when typed by hand.
import { SAGA_INPUT_TYPES, SAGA_OUTPUT_TYPES } from './run-plan';

describe('run plan: the saga topics', () => {
  it('consumes the starts, the operator and timer messages, and every step outcome', () => {
    expect(new Set(SAGA_INPUT_TYPES)).toEqual(
      new Set([
        'DailyTick', 'RunRequested', 'RunResumeRequested', 'StepTimedOut',
        'ChangesDetected', 'DetectionFailed', 'InfraApplied', 'InfraApprovalRequired', 'InfraApplyFailed', 'DbMigrationProgress', 'DbMigrated',
        'DbMigrationFailed', 'DcoCompleted', 'DcoFailed', 'DbRolledBack', 'DbRollbackFailed', 'InfraRolledBack', 'InfraRollbackFailed',
        'ApprovalGranted', 'ApprovalRejected',
      ]),
    );
    expect(SAGA_INPUT_TYPES).toHaveLength(new Set(SAGA_INPUT_TYPES).size);
  });

  it('sends the run events, every step command and the approval request', () => {
    expect(new Set(SAGA_OUTPUT_TYPES)).toEqual(
      new Set([
        'RunStarted', 'DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RollbackDb', 'RollbackInfra', 'ApprovalRequested',
        'AlertRaised', 'RunCompleted', 'RunCompletedAfterRollback', 'RunFailed',
      ]),
    );
    expect(SAGA_OUTPUT_TYPES).toHaveLength(new Set(SAGA_OUTPUT_TYPES).size);
  });
});
