// The reference offering run against the ledger: validate, compute, write allocations in batches, complete; resumable.
import { Clock, CodedError, IdGenerator } from '@dco/contracts';
import {
  allocateOffering,
  AllocationResult,
  assertValidDay,
  OfferingRecord,
  parseOffered,
  RawAmount,
  resultHash,
  validateOfferingInput,
  ValidOfferingInput,
} from '../domain';
import { DcoLedger } from '../ledger/dco-ledger.port';
import { DcoExecutor, DcoResult, DcoRunObserver, DcoRunRequest } from './dco-executor.port';
import { completedResult } from './offering-result';

export interface ReferenceDcoOptions {
  /** The fixed daily amount in base units (DCO_DAILY_AMOUNT). */
  dailyAmount: RawAmount;
  /** Allocations per write transaction; sized so a batch fits the Neo4j heap comfortably. */
  batchSize: number;
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

export class ReferenceDcoExecutor implements DcoExecutor {
  constructor(
    private readonly ledger: DcoLedger,
    private readonly deps: { clock: Clock; ids: IdGenerator },
    private readonly options: ReferenceDcoOptions,
  ) {
    if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
  }

  /** Reads and computes the day's offering without writing anything (dry run, and the first half of execute). */
  async plan(day: string, observer: DcoRunObserver = {}): Promise<OfferingPlan> {
    assertValidDay(day);
    let started = process.hrtime.bigint();
    const existing = await this.ledger.findOffering(day);
    const offered = existing ? existing.offered : parseOffered(this.options.dailyAmount);
    const stored = await this.ledger.readDayInput(day);
    observer.phase?.('read', secondsSince(started));
    started = process.hrtime.bigint();
    const input = validateOfferingInput({ day, offered, accounts: stored.accounts, contributions: stored.contributions });
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
    const batchSize = this.options.batchSize;
    for (let from = 0; from < allocations.length; from += batchSize) {
      await this.ledger.writeAllocations(offering.offeringId, allocations.slice(from, from + batchSize));
      observer.progress?.(Math.min(from + batchSize, allocations.length), allocations.length);
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
    if (completed.completion?.resultHash !== plan.resultHash) {
      throw new CodedError(
        'DCO.EXECUTION_FAILED',
        `offering of ${request.day} was completed by another runner with hash ${completed.completion?.resultHash}, this run computed ${plan.resultHash}: contributions changed during the run`,
      );
    }
    return completedResult(completed, false);
  }
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
