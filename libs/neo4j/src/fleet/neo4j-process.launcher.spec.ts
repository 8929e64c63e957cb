// The JVM options of a local Neo4j start: the class-data archive when stack:up recorded one, C1 only for quick starts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neo4jStartupJvmOptions, neo4jClassArchive, neo4jConf, neo4jJvmOptions } from './neo4j-process.launcher';

describe('neo4jJvmOptions', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'neo4j-jvm-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));
  const env = () => ({ DCO_CACHE_DIR: cache });

  it('maps the recorded class-data archive of the version, and none when there is none yet', () => {
    const spec = { version: '5.20.0', boltPort: 7687, home: '/tmp/h', password: 'a-password', heapMb: 256 };
    expect(neo4jJvmOptions(spec, env())).toEqual(['-Xms256m', '-Xmx256m', '-XX:+UseG1GC']);
    const archive = neo4jClassArchive('5.20.0', env());
    expect(archive).toBe(join(cache, 'neo4j-5.20.0', 'neo4j-classes.jsa'));
    mkdirSync(join(cache, 'neo4j-5.20.0'), { recursive: true });
    writeFileSync(archive, '');
    expect(neo4jJvmOptions(spec, env())).toEqual([
      '-Xms256m',
      '-Xmx256m',
      '-XX:+UseG1GC',
      `-XX:SharedArchiveFile=${archive}`,
    ]);
    expect(neo4jJvmOptions({ ...spec, version: '5.26.19' }, env())).not.toContainEqual(
      expect.stringContaining('SharedArchiveFile'),
    );
  });

  it('stops the JIT at C1 for a quick start only', () => {
    const spec = { version: '5.20.0', boltPort: 7687, home: '/tmp/h', password: 'a-password' };
    expect(neo4jJvmOptions({ ...spec, quickStart: true }, env())).toContain('-XX:TieredStopAtLevel=1');
    expect(neo4jJvmOptions(spec, env())).not.toContain('-XX:TieredStopAtLevel=1');
  });

  it('exits on OutOfMemoryError only when asked (as the stack servers are)', () => {
    const spec = { version: '5.20.0', boltPort: 7687, home: '/tmp/h', password: 'a-password' };
    expect(neo4jJvmOptions({ ...spec, exitOnOutOfMemory: true }, env())).toContain('-XX:+ExitOnOutOfMemoryError');
    expect(neo4jJvmOptions(spec, env())).not.toContain('-XX:+ExitOnOutOfMemoryError');
  });

  it("runs neo4j-admin on the version's class-data archive when there is one, and on C1 for a small store only", () => {
    expect(neo4jStartupJvmOptions({ version: '5.26.19', quickStart: true }, env())).toEqual([
      '-XX:TieredStopAtLevel=1',
    ]);
    const archive = neo4jClassArchive('5.26.19', env());
    mkdirSync(join(cache, 'neo4j-5.26.19'), { recursive: true });
    writeFileSync(archive, '');
    expect(neo4jStartupJvmOptions({ version: '5.26.19', quickStart: true }, env())).toEqual([
      `-XX:SharedArchiveFile=${archive}`,
      '-XX:TieredStopAtLevel=1',
    ]);
    expect(neo4jStartupJvmOptions({ version: '5.26.19' }, env())).toEqual([`-XX:SharedArchiveFile=${archive}`]);
    expect(neo4jStartupJvmOptions({ version: '5.20.0' }, env())).toEqual([]);
  });
});

describe('neo4jConf', () => {
  it('writes the transaction memory limits it is given, and none by default', () => {
    const spec = { version: '5.20.0', boltPort: 7687, home: '/tmp/h', password: 'a-password' };
    const limited = neo4jConf({ ...spec, transactionTotalMaxMb: 614, transactionMaxMb: 153 }).split('\n');
    expect(limited).toEqual(
      expect.arrayContaining(['dbms.memory.transaction.total.max=614m', 'db.memory.transaction.max=153m']),
    );
    expect(neo4jConf(spec)).not.toContain('memory.transaction');
  });

  it('always turns authentication on (ADR 0034)', () => {
    const conf = neo4jConf({ version: '5.20.0', boltPort: 7687, home: '/tmp/h', password: 'a-password' }).split('\n');
    expect(conf).toContain('dbms.security.auth_enabled=true');
    expect(conf.join('\n')).not.toContain('a-password');
  });

  it("stops without Bolt's 5 s network quiet period, twice (the setting both 5.20 and 5.26 know)", () => {
    const conf = neo4jConf({ version: '5.26.19', boltPort: 7687, home: '/tmp/h', password: 'a-password' }).split('\n');
    expect(conf).toContain('internal.dbms.bolt.netty_server_shutdown_quiet_period=0');
  });
});
