// Faults injected from outside the services, as operations would meet them: green's data corrupted through Bolt, the
// db-migrator killed mid-restore and restarted, the Kafka broker restarted, an operator rejecting the gated run.
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '@dco/aws';
import { createNeo4jDriver } from '@dco/dco';
import { BoltGraphDatabase } from '@dco/neo4j';
import { waitFor } from '@dco/probes';
import { restartComponent } from '@dco/stack';
import { DayError } from './day-error';
import { DayWorkspace, dayNeo4jLogin } from './day-workspace';
import { RunFollower } from './run-follower';
import { DayServices } from './service-launcher';

export interface FaultContext {
  ws: DayWorkspace;
  services: DayServices;
  follower: RunFollower;
  log(line: string): void;
}

/** What the fault did and when, for the report. */
export interface FaultRecord {
  fault: string;
  at: string;
  detail: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Green of this run as the EC2 emulator knows it (client token `<runId>-green-1`, under the scenario's fleet home). */
async function findGreen(ws: DayWorkspace): Promise<string | undefined> {
  const ec2 = new EC2Client(localEmulatorOptions({ DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint }));
  try {
    const result = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:dco:client-token', Values: [`${ws.runId}-green-1`] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    const tags = (result.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .map((instance) => Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])))
      .find((candidate) => (candidate['dco:local-home'] ?? '').startsWith(ws.dir));
    return tags?.['dco:bolt-uri'] || undefined;
  } finally {
    ec2.destroy();
  }
}

const migrationEnded = (ctx: FaultContext) =>
  ctx.follower.seen.some(
    (m) => m.runId === ctx.ws.runId && (m.type === 'DbMigrated' || m.type === 'DbMigrationFailed'),
  );

/**
 * From green's provisioning on, keeps changing the first restored account through Bolt (every 50 ms) until the migration
 * ends, so the validation compares a corrupted green with blue. It does not wait to see the restore in progress first:
 * on a small graph the restore is over within a second, and a fault that started late missed it (the validation had
 * read the account already). The scenario restores in small batches (restoreBatchSize) so the restore lasts seconds.
 */
async function corruptGreen(ctx: FaultContext): Promise<FaultRecord> {
  const boltUri = await waitFor(() => findGreen(ctx.ws), {
    description: 'green to be provisioned',
    timeoutMs: 300_000,
  });
  const driver = createNeo4jDriver({ uri: boltUri, ...dayNeo4jLogin(ctx.ws) });
  try {
    let writes = 0;
    while (!migrationEnded(ctx)) {
      const session = driver.session();
      const changed = await session
        .executeWrite((tx) =>
          tx.run(
            "MATCH (a:Account) WITH a ORDER BY a.accountId LIMIT 1 SET a.cap = '1', a.corruptedBy = 'day scenario green-corrupt'",
          ),
        )
        .then((result) => result.summary.counters.updates().propertiesSet > 0)
        .catch(() => false)
        .finally(() => session.close());
      if (changed && writes++ === 0)
        ctx.log(`FAULT corrupting green at ${boltUri}: an account's data is changed behind the migrator's back`);
      await pause(50);
    }
    return {
      fault: 'corrupt-green',
      at: new Date().toISOString(),
      detail: `${writes} corrupting writes on ${boltUri}`,
    };
  } finally {
    await driver.close();
  }
}

/** SIGKILL of the db-migrator while green's restore is in progress, then a restart of the same service. */
async function killMigrator(ctx: FaultContext): Promise<FaultRecord> {
  const boltUri = await waitFor(() => findGreen(ctx.ws), {
    description: 'green to be provisioned',
    timeoutMs: 300_000,
  });
  const db = new BoltGraphDatabase(boltUri, dayNeo4jLogin(ctx.ws));
  let restored: number;
  try {
    restored = await waitFor(
      async () => {
        const progress = await db.readRestoreProgress();
        const counts = await db.countEntities();
        return progress && counts.nodes > 0 ? counts.nodes : undefined;
      },
      { description: 'the restore to be in progress on green', timeoutMs: 300_000, intervalMs: 25 },
    );
  } finally {
    await db.close();
  }
  const migrator = ctx.services.get('db-migrator');
  ctx.log(`FAULT kill -9 db-migrator (pid ${migrator.pid}) with ${restored} nodes restored on green`);
  await migrator.kill();
  await ctx.services.restart('db-migrator');
  ctx.log(`db-migrator restarted (pid ${migrator.pid})`);
  return {
    fault: 'kill-migrator',
    at: new Date().toISOString(),
    detail: `killed with ${restored} nodes restored; restarted`,
  };
}

/** Restarts the broker once the migration has started (every service sees the broker go away mid-run). */
async function restartKafka(ctx: FaultContext): Promise<FaultRecord> {
  await ctx.follower.waitForType(ctx.ws.runId, 'MigrateDb', 300_000);
  ctx.log('FAULT restarting the Kafka broker');
  const started = Date.now();
  await restartComponent('kafka', { log: () => undefined });
  ctx.log(`Kafka back after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    fault: 'restart-kafka',
    at: new Date().toISOString(),
    detail: `broker down and up in ${Date.now() - started} ms`,
  };
}

/** The operator's rejection over the REST API, as `dco reject` sends it. */
async function rejectApproval(ctx: FaultContext): Promise<FaultRecord> {
  await ctx.follower.waitForType(ctx.ws.runId, 'ApprovalRequested', 300_000);
  const orchestrator = ctx.services.get('orchestrator');
  ctx.log(`OPERATOR dco reject ${ctx.ws.runId} --reason "change freeze" --api ${orchestrator.url}`);
  const response = await fetch(`${orchestrator.url}/api/runs/${ctx.ws.runId}/reject`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.ws.apiToken}` },
    body: JSON.stringify({ reason: 'change freeze' }),
  });
  if (!response.ok)
    throw new DayError('DAY.UNEXPECTED', `reject answered ${response.status}: ${await response.text()}`);
  return { fault: 'reject-approval', at: new Date().toISOString(), detail: 'rejected by day-scenario: change freeze' };
}

export function injectFault(fault: string, ctx: FaultContext): Promise<FaultRecord> {
  switch (fault) {
    case 'corrupt-green':
      return corruptGreen(ctx);
    case 'kill-migrator':
      return killMigrator(ctx);
    case 'restart-kafka':
      return restartKafka(ctx);
    case 'reject-approval':
      return rejectApproval(ctx);
    default:
      return Promise.reject(new Error(`unknown fault ${fault}`));
  }
}
