// Recomputes a stored offering from its stored contributions and checks the ledger's invariants (dco offering verify).
import { CodedError } from '@dco/contracts';
import { allocateOffering, assertValidDay, OfferingRecord, OfferingVerification, validateOfferingInput, verifyOffering } from '../domain';
import { DcoLedger } from '../ledger/dco-ledger.port';

export interface StoredOfferingVerification extends OfferingVerification {
  offering: OfferingRecord;
}

export async function verifyStoredOffering(ledger: DcoLedger, day: string): Promise<StoredOfferingVerification> {
  assertValidDay(day);
  const offering = await ledger.findOffering(day);
  if (!offering) throw new CodedError('DCO.EXECUTION_FAILED', `no offering for ${day} in the ledger`);
  const stored = await ledger.readDayInput(day);
  const input = validateOfferingInput({ day, offered: offering.offered, ...stored });
  const recomputed = allocateOffering(input.offered, input.weights, input.caps);
  const allocations = await ledger.readAllocations(day);
  return { offering, ...verifyOffering(offering, allocations, input.caps, recomputed) };
}
