// The offering's fingerprint: sha256 over the allocations sorted by account id, so any two runs can be compared.
import { createHash } from 'node:crypto';
import { compareIds } from './compare-ids';
import { Allocation } from './offering-input.model';

const LINES_PER_CHUNK = 4096;

/** One line per allocation, `"<accountId as JSON>":<amount>\n`, in account-id order; the input order does not matter. */
export function resultHash(allocations: readonly Allocation[]): string {
  const sorted = isSorted(allocations)
    ? allocations
    : [...allocations].sort((a, b) => compareIds(a.accountId, b.accountId));
  const hash = createHash('sha256');
  let chunk = '';
  for (let index = 0; index < sorted.length; index += 1) {
    const { accountId, amount } = sorted[index];
    chunk += `${JSON.stringify(accountId)}:${amount.toString()}\n`;
    if ((index + 1) % LINES_PER_CHUNK === 0) {
      hash.update(chunk, 'utf8');
      chunk = '';
    }
  }
  hash.update(chunk, 'utf8');
  return hash.digest('hex');
}

function isSorted(allocations: readonly Allocation[]): boolean {
  for (let index = 1; index < allocations.length; index += 1) {
    if (compareIds(allocations[index - 1].accountId, allocations[index].accountId) > 0) return false;
  }
  return true;
}
