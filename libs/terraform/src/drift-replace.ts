// The re-apply of drift: the declared resources whose live counterpart drifted are replaced, so their provisioner (or
// provider) writes the declared value again. A plain plan would not see the drift of a terraform_data resource.
import { Change, RESOURCE_ADDRESS_PATTERN } from '@dco/contracts';

/** The Terraform addresses a re-apply replaces for these changes (drift only), each once, in a stable order. */
export function driftReplaceAddresses(changes: Change[]): string[] {
  const addresses = changes.flatMap((change) =>
    change.kind === 'drift' && change.drift && RESOURCE_ADDRESS_PATTERN.test(change.drift.address)
      ? [change.drift.address]
      : [],
  );
  return [...new Set(addresses)].sort();
}
