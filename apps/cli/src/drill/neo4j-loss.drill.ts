// Drill `neo4j-loss`: the serving Neo4j (a server of the drill's own, never the stack's blue) dies under a writer; a fresh
// server is started and restored from the latest backup, and the probe times it until it answers again.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { Driver } from 'neo4j-driver';
import {
  BackupSigner,
  boltAuth,
  BoltGraphDatabase,
  exportGraph,
  launchNeo4jProcess,
  Neo4jProcess,
  restoreGraph,
  stopNeo4jProcess,
} from '@dco/neo4j';
import { freePort, waitFor } from '@dco/probes';
import { DrillObservation } from './drill.model';

export interface Neo4jLossOptions {
  version: string;
  /** Nodes of the served graph (seeded before the writer starts). */
  nodes: number;
  /** Acknowledged writes before the backup, and again between the backup and the loss. */
  writesBeforeBackup?: number;
  writesAfterBackup?: number;
  now?: () => number;
}

const SEED_CHUNK = 10_000;
const WRITE_TIMEOUT_MS = 120_000;

/** Acknowledges a write once its transaction committed; stops at the first failure (a write that failed is not counted). */
class Writer {
  readonly acknowledged: string[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(private readonly driver: Driver) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    for (let seq = 1; !this.stopped; seq += 1) {
      const session = this.driver.session();
      try {
        await session.executeWrite((tx) => tx.run('CREATE (:DrillWrite {seq: $seq})', { seq }), { timeout: 10_000 });
        this.acknowledged.push(String(seq));
      } catch {
        return; // the server is gone: this write was never acknowledged
      } finally {
        await session.close().catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

/** The drill's servers have authentication on like every other; their password is the drill's own, dropped with them. */
async function launch(version: string, home: string, password: string): Promise<Neo4jProcess> {
  return launchNeo4jProcess(
    { version, boltPort: await freePort(), home, password, heapMb: 512, pageCacheMb: 128, quickStart: true },
    { readyTimeoutMs: 180_000 },
  );
}

export async function neo4jLossDrill(options: Neo4jLossOptions): Promise<DrillObservation> {
  const now = options.now ?? (() => performance.now());
  const root = mkdtempSync(join(tmpdir(), 'dco-dr-neo4j-'));
  const servers: Neo4jProcess[] = [];
  const drivers: Driver[] = [];
  const password = randomBytes(18).toString('base64url');
  const driverOf = (server: Neo4jProcess) => {
    const driver = neo4j.driver(server.boltUri, boltAuth(server.credentials), {
      connectionTimeout: 2_000,
      maxTransactionRetryTime: 0,
    });
    drivers.push(driver);
    return driver;
  };
  try {
    const baselineStarted = now();
    const serving = await launch(options.version, join(root, 'serving'), password);
    const baselineMs = now() - baselineStarted;
    servers.push(serving);
    const servingDriver = driverOf(serving);
    for (let from = 1; from <= options.nodes; from += SEED_CHUNK)
      await servingDriver.executeQuery('UNWIND range($from, $to) AS i CREATE (:DrillSeed {i: i})', {
        from,
        to: Math.min(options.nodes, from + SEED_CHUNK - 1),
      });

    const writer = new Writer(servingDriver);
    const acked = (count: number) => () => writer.acknowledged.length >= count;
    await waitFor(acked(options.writesBeforeBackup ?? 20), {
      description: 'writes before the backup',
      timeoutMs: WRITE_TIMEOUT_MS,
      intervalMs: 20,
    });
    // The latest backup, taken online while the writer goes on: what was acknowledged before it began must come back.
    const covered = [...writer.acknowledged];
    const backupFile = join(root, 'latest.backup.gz');
    // Signed like every backup (ADR 0019): the drill's own key, made for this scratch backup and dropped with it.
    const signer = new BackupSigner({ keyId: 'drill', secret: randomBytes(32) });
    const source = new BoltGraphDatabase(serving.boltUri, serving.credentials);
    await exportGraph(source, createWriteStream(backupFile), { signer }).finally(() => source.close());
    const afterBackup = writer.acknowledged.length + (options.writesAfterBackup ?? 20);
    await waitFor(acked(afterBackup), {
      description: 'writes after the backup',
      timeoutMs: WRITE_TIMEOUT_MS,
      intervalMs: 20,
    });

    // The loss: the serving server's process dies at once (kill -9), its store with it.
    const lossAtMs = now();
    process.kill(serving.pid, 'SIGKILL');
    await writer.stop();
    rmSync(serving.home, { recursive: true, force: true });

    // Recovery onto a fresh server from the latest backup; serving again once the probe reads the graph.
    const fresh = await launch(options.version, join(root, 'fresh'), password);
    servers.push(fresh);
    const target = new BoltGraphDatabase(fresh.boltUri, fresh.credentials);
    try {
      await restoreGraph(target, () => createReadStream(backupFile), { signer });
      await target.ping();
      await target.countEntities();
    } finally {
      await target.close();
    }
    const servingAtMs = now();
    const { records } = await driverOf(fresh).executeQuery('MATCH (n:DrillWrite) RETURN n.seq AS seq');
    const recovered = records.map((record) => String(record.get('seq')));
    return {
      kind: 'neo4j-loss',
      lossAtMs,
      servingAtMs,
      acknowledged: writer.acknowledged,
      covered,
      recovered,
      baselineMs,
      parameters: { nodes: options.nodes, neo4j_version: options.version },
    };
  } finally {
    await Promise.all(drivers.map((driver) => driver.close().catch(() => undefined)));
    for (const server of servers) await stopNeo4jProcess(server.pid).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
