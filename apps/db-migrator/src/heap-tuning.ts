// V8 tuning of the db-migrator's process (ADR 0018): the bulk export and the validation decode millions of short-lived
// records. V8's allocation-site pretenuring judged them long-lived and allocated them in the old generation, where each
// died only in a full collection: with the deployed 640 MiB heap, 78 mark-compacts for a read of 200k nodes and 400k
// relationships, against 4 without it. The flag is not allowed in NODE_OPTIONS, so the process sets it as it starts,
// before any record is decoded (V8 reads it whenever it weighs an allocation site).
import { setFlagsFromString } from 'node:v8';

export const MIGRATOR_V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

/** Sets MIGRATOR_V8_FLAGS on this process; call first thing in the process that migrates. */
export function tuneV8ForMigrations(): void {
  for (const flag of MIGRATOR_V8_FLAGS) setFlagsFromString(flag);
}
