// The ConnectionPointerStore contract on the in-memory fake and the file adapter (a temp file: local I/O, no stack needed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionPointerContract } from './connection-pointer.contract';
import { FileConnectionPointerStore } from './file-connection-pointer.adapter';
import { InMemoryConnectionPointerStore } from './in-memory-connection-pointer.fake';

connectionPointerContract('in memory', async () => new InMemoryConnectionPointerStore());
connectionPointerContract(
  'file',
  async () => new FileConnectionPointerStore(join(mkdtempSync(join(tmpdir(), 'dco-pointer-')), 'neo4j-pointer.json')),
);
