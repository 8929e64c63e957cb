// The local fleet's host runtime: an emulator instance gets a real Neo4j server process of the AMI's version on this machine.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '@dco/probes';
import { awsUserData } from './ec2-neo4j-fleet.adapter';
import { LaunchedHost, Neo4jHostRuntime } from './neo4j-host.runtime';
import { LOCAL_HOME_TAG, LOCAL_PID_TAG } from './neo4j-fleet.port';
import { launchNeo4jProcess, stopNeo4jProcess } from './neo4j-process.launcher';

export interface LocalHostOptions {
  /** Parent directory of the servers' homes (e.g. .stack/fleet). */
  homeRoot: string;
  /** The `neo4j` user's password on every server this runtime starts (the migrator connects with it). */
  password: string;
  /** A free port for a new server. */
  allocatePort(): Promise<number>;
  heapMb?: number;
  pageCacheMb?: number;
  readyTimeoutMs?: number;
  /** Short-lived servers with small graphs (tests, day scenarios): see Neo4jProcessSpec.quickStart. */
  quickStart?: boolean;
}

/**
 * The live server of a host: its tagged pid, else the pid its home records (an offline restore starts the server again,
 * so the tag can name the process it stopped).
 */
function livePid(host: LaunchedHost, home: string | undefined): number | undefined {
  const tagged = Number(host.tags[LOCAL_PID_TAG]);
  if (tagged && isProcessAlive(tagged)) return tagged;
  const file = home === undefined ? undefined : join(home, 'neo4j.pid');
  const recorded = file && existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isSafeInteger(recorded) && recorded > 0 && isProcessAlive(recorded) ? recorded : undefined;
}

export class LocalNeo4jHostRuntime implements Neo4jHostRuntime {
  constructor(private readonly options: LocalHostOptions) {}

  userData(version: string): string {
    return awsUserData(version);
  }

  async start(host: LaunchedHost, version: string): Promise<{ boltUri: string; tags: Record<string, string> }> {
    const recorded = host.tags['dco:bolt-uri'];
    if (recorded && livePid(host, host.tags[LOCAL_HOME_TAG]) !== undefined) return { boltUri: recorded, tags: {} };
    const home = host.tags[LOCAL_HOME_TAG] ?? join(this.options.homeRoot, host.instanceId);
    mkdirSync(home, { recursive: true });
    const server = await launchNeo4jProcess(
      {
        version,
        boltPort: await this.options.allocatePort(),
        home,
        password: this.options.password,
        heapMb: this.options.heapMb,
        pageCacheMb: this.options.pageCacheMb,
        quickStart: this.options.quickStart,
      },
      { readyTimeoutMs: this.options.readyTimeoutMs },
    );
    return { boltUri: server.boltUri, tags: { [LOCAL_PID_TAG]: String(server.pid), [LOCAL_HOME_TAG]: home } };
  }

  async stop(host: LaunchedHost): Promise<void> {
    const pid = livePid(host, host.tags[LOCAL_HOME_TAG]);
    if (pid) await stopNeo4jProcess(pid);
  }
}
