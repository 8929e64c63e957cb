// The two servers of the offline restore's int-specs: a 5.20.0 blue holding the every-type graph, values the CSV path
// cannot carry exactly and `bulkNodes` plain nodes, next to a fresh 5.26.19 green on a home of its own under `dir`.
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { freePort } from '@dco/probes';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { boltAuth } from '../bolt/neo4j-credentials';
import { launchNeo4jProcess, Neo4jProcess, Neo4jProcessSpec, stopNeo4jProcess } from '../fleet/neo4j-process.launcher';
import { bulkStatement, everyTypeGraphStatements } from './every-type-graph.fixture';
import { ScratchServer, startScratchServer } from './scratch-servers';

/** Values the CSV path cannot carry exactly, beyond the every-type fixture's. */
export const AWKWARD_VALUES = `
  CREATE (x:Awkward:\`semi;colon\` {key: 'awk', \`odd name: with, comma\`: 1, semis: ['a;b', 'c'], lines: 'one\ntwo',
          crlf: 'a\r\nb', quote: 'say "hi", ok', tab: 'a\tb', lead: ' spaced ', emptyStrs: [''], oneEmpty: [],
          bigDate: date('+20000-01-01'), oldDate: date('0000-01-01'), nums: [1.5, 2.0], fneg: [-0.0], tiny: 5e-324})
  CREATE (y:Awkward {key: 'awk2', plain: 'fine'})
  CREATE (x)-[:\`TYPE WITH SPACE\` {bytes: $bytes, emptyList: [], s: 'a\nb', plain: 3}]->(y)
  CREATE (y)-[:PLAIN {w: 1.25}]->(x)`;

export interface OfflineRestoreServers {
  blueServer: ScratchServer;
  blue: BoltGraphDatabase;
  green: Neo4jProcess;
  greenSpec: Neo4jProcessSpec;
}

/** Starts both servers at once and fills blue; the caller disposes of blue and stops green. */
export async function startOfflineRestoreServers(dir: string, bulkNodes: number): Promise<OfflineRestoreServers> {
  const greenSpec: Neo4jProcessSpec = {
    version: '5.26.19',
    boltPort: await freePort(),
    home: join(dir, 'green'),
    password: 'green-Password-0123',
    heapMb: 512,
    pageCacheMb: 128,
    quickStart: true,
  };
  const [blueServer, green] = await Promise.all([startScratchServer('5.20.0'), launchNeo4jProcess(greenSpec)]);
  const driver = neo4j.driver(blueServer.boltUri, boltAuth(blueServer.credentials));
  try {
    for (const statement of [...everyTypeGraphStatements, bulkStatement(bulkNodes)])
      await driver.executeQuery(statement.query, statement.params ?? {});
    await driver.executeQuery(AWKWARD_VALUES, { bytes: new Int8Array([1, -2, 3]) });
  } catch (error) {
    await Promise.allSettled([blueServer.dispose(), stopNeo4jProcess(green.pid)]);
    throw error;
  } finally {
    await driver.close();
  }
  return { blueServer, blue: new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials), green, greenSpec };
}
