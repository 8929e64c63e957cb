// Test support: disposable Neo4j servers of a given version on free ports, so destructive specs never touch the stack's blue.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@dco/probes';
import { launchNeo4jProcess, Neo4jProcess, stopNeo4jProcess } from '../fleet/neo4j-process.launcher';

export interface ScratchServer extends Neo4jProcess {
  dispose(): Promise<void>;
}

export async function startScratchServer(
  version: string,
  options: { heapMb?: number; pageCacheMb?: number } = {},
): Promise<ScratchServer> {
  const home = mkdtempSync(join(tmpdir(), `dco-neo4j-${version}-`));
  const server = await launchNeo4jProcess({
    version,
    boltPort: await freePort(),
    home,
    // Each scratch server its own password: a spec connects with server.credentials.
    password: randomBytes(18).toString('base64url'),
    heapMb: options.heapMb ?? 512,
    pageCacheMb: options.pageCacheMb ?? 128,
    quickStart: true,
  });
  return {
    ...server,
    dispose: async () => {
      // Its home is deleted next: no clean shutdown (checkpoints) for a store about to go.
      await stopNeo4jProcess(server.pid, { discardStore: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}
