// Recomputes a stored offering from its stored contributions and checks the ledger's invariants (dco offering verify).
import { CodedError } from '@dco/contracts';
import {
  allocateOffering,
  assertValidDay,
  DcoLedger,
  OfferingRecord,
  OfferingVerification,
  verifyOffering,
} from '@dco/dco';
import { readValidDayInput } from './read-offering-input';

export interface StoredOfferingVerification extends OfferingVerification {
  offering: OfferingRecord;
}

export async function verifyStoredOffering(ledger: DcoLedger, day: string): Promise<StoredOfferingVerification> {
  assertValidDay(day);
  const offering = await ledger.findOffering(day);
  if (!offering) throw new CodedError('DCO.EXECUTION_FAILED', `no offering for ${day} in the ledger`);
  const input = await readValidDayInput(ledger, day, offering.offered);
  const recomputed = allocateOffering(input.offered, input.weights, input.caps);
  const allocations = await ledger.readAllocations(day);
  return { offering, ...verifyOffering(offering, allocations, input.caps, recomputed) };
}
