// Turns a completed Offering record into the DcoCompleted data the saga receives.
import { CodedError } from '@dco/contracts';
import { DcoResult, OfferingRecord } from '@dco/dco';

export function completedResult(offering: OfferingRecord, reused: boolean): DcoResult {
  const completion = offering.completion;
  if (offering.status !== 'COMPLETED' || !completion) {
    throw new CodedError('DCO.EXECUTION_FAILED', `offering of ${offering.day} is ${offering.status}, not COMPLETED`);
  }
  return {
    day: offering.day,
    offeringId: offering.offeringId,
    offered: offering.offered.toString(),
    allocated: completion.allocated.toString(),
    undistributed: completion.undistributed.toString(),
    allocationCount: completion.allocationCount,
    contributionCount: completion.contributionCount,
    resultHash: completion.resultHash,
    reused,
  };
}
