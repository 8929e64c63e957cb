// Turns the migrator's fine-grained progress into a few DbMigrationProgress events: each phase change, then at most every 10 %.
import { MigrationPhase } from '@dco/contracts';
import { CommandContext } from '@dco/platform';
import { MigrationProgress } from '@dco/neo4j';

export class MigrationProgressReporter {
  private last?: { phase: MigrationPhase; percent: number };
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly context: Pick<CommandContext, 'emit'>) {}

  readonly listener = (progress: MigrationProgress): void => {
    const total = Math.max(progress.total, 0);
    const done = Math.min(Math.max(progress.done, 0), total);
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    const due = !this.last || this.last.phase !== progress.phase || percent >= this.last.percent + 10 || (done === total && this.last.percent < 100);
    if (!due) return;
    this.last = { phase: progress.phase, percent };
    // Events leave in order; a failed publish surfaces in flushed().
    this.chain = this.chain.then(() => this.context.emit('DbMigrationProgress', { phase: progress.phase, done, total }));
  };

  /** Resolves once every progress event has been published. */
  flushed(): Promise<void> {
    return this.chain;
  }
}
