// The reference offering run against the ledger: validate, compute, write allocations in batches, complete; resumable.
import { Clock, CodedError, ConfigError, IdGenerator } from '@dco/contracts';
import {
  allocateOffering,
  Allocation,
  AllocationResult,
  assertValidDay,
  DcoExecutor,
  DcoLedger,
  DcoResult,
  DcoRunObserver,
  DcoRunRequest,
  OfferingRecord,
  parseOffered,
  RawAmount,
  resultHash,
  ValidOfferingInput,
} from '@dco/dco';
import { completedResult } from './offering-result';
import { DEFAULT_MAX_DAY_ACCOUNTS, DEFAULT_READ_PAGE_ROWS, readValidDayInput } from './read-offering-input';

export interface ReferenceDcoOptions {
  /** The fixed daily amount in base units (DCO_DAILY_AMOUNT). */
  dailyAmount: RawAmount;
  /** Allocations per write transaction; sized so a batch fits the Neo4j heap comfortably. */
  batchSize: number;
  /** Write transactions in flight at once (default 2): keeps the database busy while the next batch travels. */
  writeConcurrency?: number;
  /** Contributions per read transaction (DCO_READ_PAGE_ROWS, default 20,000). */
  readPageRows?: number;
  /** A day with more contributing accounts is refused with DCO.DAY_TOO_LARGE (DCO_MAX_DAY_ACCOUNTS, default 2M). */
  maxDayAccounts?: number;
  /** The heap limit the day must fit (default: this process's V8 heap limit); a day it would not hold is refused too. */
  heapLimitBytes?: number;
}

export interface OfferingPlan {
  day: string;
  /** The day's Offering when one exists already (its offered amount wins over the configured one). */
  existing: OfferingRecord | null;
  input: ValidOfferingInput;
  result: AllocationResult;
  resultHash: string;
}

export const DEFAULT_ALLOCATION_BATCH_SIZE = 5000;
export const DEFAULT_WRITE_CONCURRENCY = 2;

export class ReferenceDcoExecutor implements DcoExecutor {
  constructor(
    private readonly ledger: DcoLedger,
    private readonly deps: { clock: Clock; ids: IdGenerator },
    private readonly options: ReferenceDcoOptions,
  ) {
    if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1) {
      throw new ConfigError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    for (const name of ['writeConcurrency', 'readPageRows', 'maxDayAccounts', 'heapLimitBytes'] as const) {
      const value = options[name];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
        throw new ConfigError(`${name} must be a positive integer, got ${value}`);
      }
    }
  }

  /** Reads and computes the day's offering without writing anything (dry run, and the first half of execute). */
  async plan(day: string, observer: DcoRunObserver = {}): Promise<OfferingPlan> {
    assertValidDay(day);
    let started = process.hrtime.bigint();
    const existing = await this.ledger.findOffering(day);
    const offered = existing ? existing.offered : parseOffered(this.options.dailyAmount);
    // Reading and folding are one pass over the pages: both count as read.
    const input = await readValidDayInput(this.ledger, day, offered, {
      pageRows: this.options.readPageRows ?? DEFAULT_READ_PAGE_ROWS,
      maxAccounts: this.options.maxDayAccounts ?? DEFAULT_MAX_DAY_ACCOUNTS,
      heapLimitBytes: this.options.heapLimitBytes,
    });
    observer.phase?.('read', secondsSince(started));
    started = process.hrtime.bigint();
    const result = allocateOffering(input.offered, input.weights, input.caps);
    const plan = { day, existing, input, result, resultHash: resultHash(result.allocations) };
    observer.phase?.('compute', secondsSince(started));
    return plan;
  }

  async execute(request: DcoRunRequest, observer: DcoRunObserver = {}): Promise<DcoResult> {
    assertValidDay(request.day);
    const found = await this.ledger.findOffering(request.day);
    if (found?.status === 'COMPLETED') return completedResult(found, true);

    let plan = await this.plan(request.day, observer);
    const offering = await this.ledger.beginOffering({
      day: request.day,
      offeringId: this.deps.ids.next(),
      offered: plan.input.offered,
      startedAt: this.deps.clock.now().toISOString(),
    });
    if (offering.status === 'COMPLETED') return completedResult(offering, true);
    if (offering.offered !== plan.input.offered) {
      // Another runner created the Offering first with a different configured amount: the stored amount wins.
      plan = await this.plan(request.day, observer);
    }

    const started = process.hrtime.bigint();
    const { allocations } = plan.result;
    try {
      await this.writeInBatches(offering.offeringId, allocations, observer);
    } catch (error) {
      // A racing runner may have completed the day while this one was still writing: its result stands if it is ours.
      const raced = await this.ledger.findOffering(request.day);
      if (raced?.status !== 'COMPLETED') throw error;
      this.requireSameResult(raced, plan.resultHash);
      return completedResult(raced, true);
    }
    const completed = await this.ledger.completeOffering(request.day, {
      allocated: plan.result.allocated,
      undistributed: plan.result.undistributed,
      resultHash: plan.resultHash,
      allocationCount: allocations.length,
      contributionCount: plan.input.contributionCount,
      completedAt: this.deps.clock.now().toISOString(),
    });
    observer.phase?.('write', secondsSince(started));
    this.requireSameResult(completed, plan.resultHash);
    return completedResult(completed, false);
  }

  private requireSameResult(completed: OfferingRecord, computedHash: string): void {
    if (completed.completion?.resultHash === computedHash) return;
    throw new CodedError(
      'DCO.EXECUTION_FAILED',
      `offering of ${completed.day} was completed by another runner with hash ${completed.completion?.resultHash}, this run computed ${computedHash}: contributions changed during the run`,
    );
  }

  /** Writes every batch, a few at a time; on the first failure stops taking new batches and rethrows it. */
  private async writeInBatches(
    offeringId: string,
    allocations: readonly Allocation[],
    observer: DcoRunObserver,
  ): Promise<void> {
    const { batchSize } = this.options;
    let next = 0;
    let written = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure && next < allocations.length) {
        const from = next;
        next += batchSize;
        const batch = allocations.slice(from, from + batchSize);
        try {
          await this.ledger.writeAllocations(offeringId, batch);
        } catch (error) {
          failure ??= { error };
          return;
        }
        written += batch.length;
        observer.progress?.(written, allocations.length);
      }
    };
    const workers = Math.max(
      1,
      Math.min(this.options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY, Math.ceil(allocations.length / batchSize)),
    );
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure) throw failure.error;
  }
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
