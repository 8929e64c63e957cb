// The RunDco use case behind the dco-runner's command worker: the command's day and run, handed to the configured executor.
import { DcoExecutor } from '@dco/dco';
import { RunDcoPort } from '@dco/platform';

export function runDcoUseCase(executorFor: (day: string) => Promise<DcoExecutor>): RunDcoPort {
  return async (command) => {
    const { day, afterRollback } = command.data;
    const executor = await executorFor(day);
    return executor.execute({ day, runId: command.runId, afterRollback });
  };
}
