// The migrate bench's migration, as the db-migrator runs it (the EC2 emulator's fleet with local servers, file backups and
// pointer, the offline or online restore), timed phase by phase. It runs in a process of its own
// (migrate-migration.child.ts) with the db-migrator's deployed heap, so that what is measured is what is deployed.
import { EC2Client } from '@aws-sdk/client-ec2';
import { systemClock } from '@dco/contracts';
import { localEmulatorOptions } from '@dco/aws';
import { freePort } from '@dco/probes';
import {
  boltGraphDatabaseFactory,
  Ec2Neo4jFleet,
  FileBackupStore,
  FileConnectionPointerStore,
  LocalNeo4jHostRuntime,
  LocalOfflineGreenRestorer,
  OfflineRestoreResult,
  pointerOnlyConsumers,
  probeBolt,
} from '@dco/neo4j';
import { join } from 'node:path';
import { BlueGreenMigrator, MigrationProgress, OfflineGreenRestorer } from '../../apps/db-migrator/src';
import { testBackupSigner } from '../../libs/neo4j/src/testing/test-backup-signer.fixture';
import { now, progress } from './result';

export interface BenchMigrationSpec {
  /** The bench's directory: the fleet's homes, the backups and the pointer file go below it. */
  dir: string;
  blueBoltUri: string;
  /** The fleet tag the bench's parent uses too, to terminate green afterwards. */
  fleetTag: string;
  imageId: string;
  nodes: number;
  pageSize: number;
  batchSize: number;
  restoreMode: 'offline-import' | 'online';
  readAhead: number;
  heapMb: number;
  pageCacheMb: number;
}

export interface BenchMigrationOutcome {
  migrated: Awaited<ReturnType<BlueGreenMigrator['migrate']>>;
  /** Seconds from the migration's start: `<phase>_start` and `<phase>_end` at its first and last progress event. */
  marks: Record<string, number>;
  restoreNodesDoneAt?: number;
  totalS: number;
  peakRssMb: number;
  restorePhases: Partial<OfflineRestoreResult['phases']>;
}

/** The fleet the bench's green runs in (its parent builds the same one to terminate green). */
export function benchFleet(
  ec2: EC2Client,
  spec: Pick<BenchMigrationSpec, 'dir' | 'fleetTag' | 'heapMb' | 'pageCacheMb'>,
  login: { password: string; blue: { user: string; password: string } },
) {
  const runtime = new LocalNeo4jHostRuntime({
    homeRoot: join(spec.dir, 'fleet'),
    password: login.password,
    allocatePort: freePort,
    heapMb: spec.heapMb,
    pageCacheMb: spec.pageCacheMb,
    readyTimeoutMs: 300_000,
  });
  return new Ec2Neo4jFleet(ec2, runtime, {
    fleetTags: { 'dco:env': spec.fleetTag },
    probe: (boltUri, version) => probeBolt(boltUri, version, login.blue),
    readyTimeoutMs: 300_000,
  });
}

export async function runBenchMigration(spec: BenchMigrationSpec, password: string): Promise<BenchMigrationOutcome> {
  const ec2 = new EC2Client(localEmulatorOptions());
  const credentials = { user: 'neo4j', password };
  const restorePhases: Partial<OfflineRestoreResult['phases']> = {};
  const restorer = new LocalOfflineGreenRestorer({
    homeRoot: join(spec.dir, 'fleet'),
    password,
    heapMb: spec.heapMb,
    pageCacheMb: spec.pageCacheMb,
    readyTimeoutMs: 300_000,
  });
  const timedRestorer: OfflineGreenRestorer = {
    restore: async (...args: Parameters<LocalOfflineGreenRestorer['restore']>) => {
      const result = await restorer.restore(...args);
      Object.assign(restorePhases, result.phases);
      return result;
    },
  };
  const migrator = new BlueGreenMigrator(
    {
      fleet: benchFleet(ec2, spec, { password, blue: credentials }),
      graphs: boltGraphDatabaseFactory(credentials),
      credentials,
      pointer: new FileConnectionPointerStore(join(spec.dir, 'neo4j-pointer.json')),
      consumers: pointerOnlyConsumers,
      backups: new FileBackupStore(join(spec.dir, 'backups')),
      signer: testBackupSigner,
      clock: systemClock,
      offlineRestorer: timedRestorer,
    },
    {
      initialEndpoint: { instanceId: 'bench-blue', boltUri: spec.blueBoltUri, version: '5.20.0' },
      retireGraceMs: 3_600_000,
      readyTimeoutMs: 300_000,
      freezeDrainMs: 0,
      onSourceChanged: 'abort',
      pageSize: spec.pageSize,
      batchSize: spec.batchSize,
      restoreMode: spec.restoreMode,
      readAhead: spec.readAhead,
    },
  );
  const marks: Record<string, number> = {};
  let restoreNodesDoneAt: number | undefined;
  let peakRssMb = 0;
  const started = now();
  const onProgress = (p: MigrationProgress) => {
    const t = now() - started;
    marks[`${p.phase}_start`] ??= t;
    marks[`${p.phase}_end`] = t;
    if (p.phase === 'restore' && restoreNodesDoneAt === undefined && p.done >= spec.nodes) restoreNodesDoneAt = t;
    peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20);
    progress(p.phase.padEnd(9), p.done, p.total);
  };
  try {
    const migrated = await migrator.migrate({ runId: 'bench-migrate', targetImageId: spec.imageId }, onProgress);
    const totalS = now() - started;
    peakRssMb = Math.max(peakRssMb, process.resourceUsage().maxRSS / 1024);
    return {
      migrated,
      marks,
      ...(restoreNodesDoneAt === undefined ? {} : { restoreNodesDoneAt }),
      totalS,
      peakRssMb,
      restorePhases,
    };
  } finally {
    ec2.destroy();
  }
}
