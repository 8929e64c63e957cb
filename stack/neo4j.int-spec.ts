// Integration spec: both Neo4j servers of the local stack accept writes and reads over Bolt and report their versions (blue 5.20.0, green 5.26.19).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import neo4j, { Driver } from 'neo4j-driver';
import { stackStatus } from '@dco/stack';
import { stackEndpoints } from '@dco/testing';

const endpoints = stackEndpoints();

describe.each([
  ['blue', '5.20.0'],
  ['green', '5.26.19'],
])('Neo4j %s', (name, version) => {
  let driver: Driver;

  beforeAll(() => {
    const login = endpoints.neo4jCredentials;
    driver = neo4j.driver(endpoints.neo4j[name].boltUri, login && neo4j.auth.basic(login.user, login.password));
  });

  afterAll(async () => {
    await driver.close();
  });

  it(`reports version ${version}`, async () => {
    expect(endpoints.neo4j[name].version).toBe(version);
    const { records } = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition',
    );
    expect(records.map((record) => [record.get('name'), record.get('version'), record.get('edition')])).toEqual([
      ['Neo4j Kernel', version, 'community'],
    ]);
  });

  it('maps the class-data archive stack:up recorded for its version (a start loads its classes from there)', async () => {
    const status = (await stackStatus()).find((component) => component.name === `neo4j-${name}`);
    expect(status?.pid).toBeDefined();
    const mapped = readFileSync(`/proc/${status?.pid}/maps`, 'utf8')
      .split('\n')
      .filter((line) => line.endsWith('neo4j-classes.jsa'));
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped[0]).toContain(`neo4j-${version}/neo4j-classes.jsa`);
  });

  it('writes and reads back nodes and a relationship with typed properties', async () => {
    const run = randomUUID();
    await driver.executeQuery(
      `CREATE (a:StackProbe {run: $run, name: 'a', big: $big, ratio: 0.25, tags: ['x', 'ü'], at: date('2026-11-26')})
       CREATE (b:StackProbe {run: $run, name: 'b'})
       CREATE (a)-[:LINKS {weight: 3}]->(b)`,
      { run, big: neo4j.int('9223372036854775807') },
    );
    const { records } = await driver.executeQuery(
      `MATCH (a:StackProbe {run: $run})-[r:LINKS]->(b:StackProbe {run: $run}) RETURN a.name AS from, b.name AS to, r.weight AS weight, a.big AS big, a.tags AS tags, toString(a.at) AS at`,
      { run },
    );
    expect(records).toHaveLength(1);
    const record = records[0];
    expect([record.get('from'), record.get('to'), record.get('weight').toNumber()]).toEqual(['a', 'b', 3]);
    expect(record.get('big').toString()).toBe('9223372036854775807');
    expect(record.get('tags')).toEqual(['x', 'ü']);
    expect(record.get('at')).toBe('2026-11-26');
    await driver.executeQuery('MATCH (n:StackProbe {run: $run}) DETACH DELETE n', { run });
    const after = await driver.executeQuery('MATCH (n:StackProbe {run: $run}) RETURN count(n) AS n', { run });
    expect(after.records[0].get('n').toNumber()).toBe(0);
  });
});
