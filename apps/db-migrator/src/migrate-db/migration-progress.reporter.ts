// Turns the migrator's fine-grained progress into a few DbMigrationProgress events: each phase change, then at most every 10 %.
// Progress is informational: a publish that fails (e.g. while the broker restarts) is logged and counted, never allowed
// to fail the migration or to become an unhandled rejection that kills the process mid-restore.
import { Logger } from '@nestjs/common';
import { MigrationPhase } from '@dco/contracts';
import { CommandContext } from '@dco/platform';
import { MigrationProgress } from './blue-green-migrator';

export class MigrationProgressReporter {
  private last?: { phase: MigrationPhase; percent: number };
  private chain: Promise<void> = Promise.resolve();
  private readonly logger = new Logger('MigrationProgress');
  /** Progress events that could not be published. */
  failedPublishes = 0;

  constructor(private readonly context: Pick<CommandContext, 'emit'>) {}

  readonly listener = (progress: MigrationProgress): void => {
    const total = Math.max(progress.total, 0);
    const done = Math.min(Math.max(progress.done, 0), total);
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    const due =
      !this.last ||
      this.last.phase !== progress.phase ||
      percent >= this.last.percent + 10 ||
      (done === total && this.last.percent < 100);
    if (!due) return;
    this.last = { phase: progress.phase, percent };
    // Events leave in order; each failure is caught on the chain, so none is left unhandled.
    this.chain = this.chain
      .then(() => this.context.emit('DbMigrationProgress', { phase: progress.phase, done, total }))
      .catch((error: unknown) => {
        this.failedPublishes += 1;
        this.logger.warn(
          `progress ${progress.phase} ${done}/${total} not published: ${(error as Error).message ?? String(error)}`,
        );
      });
  };

  /** Resolves once every progress event has been published or given up on. */
  flushed(): Promise<void> {
    return this.chain;
  }
}
