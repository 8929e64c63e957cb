// A restore in a process of its own, for the spec that kills it -9 during the import: DCO_SPEC_RESTORE holds the store's
// directory, the backup's prefix and green's pid and spec as JSON.
import 'reflect-metadata';
import { FileBackupStore } from '../backup/file-backup-store.adapter';
import { restoreBulkOffline } from '../bulk/offline-import';
import { Neo4jProcessSpec } from '../fleet/neo4j-process.launcher';
import { testBackupSigner } from './test-backup-signer.fixture';

const { storeDir, prefix, pid, spec } = JSON.parse(process.env.DCO_SPEC_RESTORE ?? '{}') as {
  storeDir: string;
  prefix: string;
  pid: number;
  spec: Neo4jProcessSpec;
};

restoreBulkOffline(new FileBackupStore(storeDir), prefix, { pid, spec }, { signer: testBackupSigner }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String((error as Error).stack)}\n`);
    process.exit(1);
  },
);
