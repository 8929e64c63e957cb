// The RunDco use case behind the dco-runner's command worker: the command's day and run, handed to the configured executor.
import { DcoExecutor } from '@dco/dco';
import { withSpan } from '@dco/observability';
import { RunDcoPort } from '@dco/platform';

export function runDcoUseCase(executorFor: (day: string) => Promise<DcoExecutor>): RunDcoPort {
  return async (command) => {
    const { day, afterRollback } = command.data;
    const executor = await executorFor(day);
    return withSpan('allocate', { runId: command.runId, day, afterRollback }, async (span) => {
      const result = await executor.execute({ day, runId: command.runId, afterRollback });
      span.setAttributes({
        'dco.allocations': result.allocationCount,
        'dco.contributions': result.contributionCount,
        'dco.reused': result.reused,
      });
      return result;
    });
  };
}
