// Step deadlines as messages: which runs are overdue, and the StepTimedOut that tells the saga so.
import { AnyMessage, IdGenerator, createMessage } from '@dco/contracts';
import { RunState, isTerminal } from './run-state';

export const isOverdue = (state: RunState, now: Date): boolean =>
  !isTerminal(state.status) && state.pending !== undefined && now.getTime() >= Date.parse(state.pending.deadline);

/** The StepTimedOut for a run's overdue step, caused by the command that went unanswered; undefined when nothing is overdue. */
export function timeoutFor(state: RunState, now: Date, ids: IdGenerator): AnyMessage | undefined {
  if (!isOverdue(state, now) || !state.pending) return undefined;
  const { step, attempt, deadline, commandId } = state.pending;
  return createMessage(
    'StepTimedOut',
    { step, attempt, deadline },
    { runId: state.runId, producer: 'orchestrator', causedBy: { eventId: commandId } },
    { clock: { now: () => now }, ids },
  ) as AnyMessage;
}
