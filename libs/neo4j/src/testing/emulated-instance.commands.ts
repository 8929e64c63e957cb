// The machine of an emulated EC2 instance of the local fleet, for the instance-side scripts (the offline import): bash,
// with the commands the Neo4j AMI has on its PATH. `aws` is the stack's AWS CLI against the emulator, `neo4j-admin` the
// server's own version's tool on its home, and `systemctl stop|start neo4j` stops or starts the server process of that
// home as its unit would. SSM Run Command cannot run anything on the emulator's instances (moto answers Success without
// running it), so specs run the very script the SSM adapter would send here instead.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../bulk/instance-import.script';
import { InstanceCommandResult, InstanceCommands } from '../fleet/instance-commands.port';
import {
  neo4jStartupJvmOptions,
  neo4jJvmOptions,
  neo4jLibDir,
  Neo4jProcessSpec,
} from '../fleet/neo4j-process.launcher';

export class EmulatedInstanceCommands implements InstanceCommands {
  private readonly bin = mkdtempSync(join(tmpdir(), 'dco-instance-bin-'));
  /** The scripts this machine ran, in order (what SSM would have been sent). */
  readonly scripts: string[] = [];

  /**
   * `spec` is the server the instance runs (its home, version and JVM settings: what its unit file would say); `aws` the
   * AWS CLI it has, the endpoint it reaches S3 at and the environment it runs with (credentials, region).
   */
  constructor(
    private readonly instanceId: string,
    spec: Neo4jProcessSpec,
    private readonly aws: { cli: string; endpoint: string; env: NodeJS.ProcessEnv },
  ) {
    const lib = `${neo4jLibDir(spec.version)}/*`;
    const home = spec.home;
    const tool = (name: string, lines: string[]) => {
      const file = join(this.bin, name);
      writeFileSync(file, ['#!/bin/bash', 'set -euo pipefail', ...lines, ''].join('\n'));
      chmodSync(file, 0o755);
    };
    tool('aws', [`exec ${shellQuote(aws.cli)} --endpoint-url ${shellQuote(aws.endpoint)} "$@"`]);
    tool('neo4j-admin', [
      `export NEO4J_HOME=${shellQuote(home)} NEO4J_CONF=${shellQuote(join(home, 'conf'))}`,
      `exec java -Xmx512m ${neo4jStartupJvmOptions(spec).map(shellQuote).join(' ')} -cp ${shellQuote(lib)} org.neo4j.cli.AdminTool "$@"`,
    ]);
    tool('systemctl', [
      `home=${shellQuote(home)}`,
      '[ "${2:-}" = neo4j ] || { echo "systemctl here knows the neo4j unit only" >&2; exit 2; }',
      'pid="$(cat "$home/neo4j.pid" 2>/dev/null || true)"',
      'case "$1" in',
      '  stop)',
      '    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || exit 0',
      '    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"',
      // The unit's stop waits for the server to end (systemd: up to TimeoutStopSec, then SIGKILL).
      '    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done',
      '    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"',
      '    ;;',
      '  start)',
      '    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && exit 0',
      `    setsid java ${neo4jJvmOptions(spec).map(shellQuote).join(' ')} -cp ${shellQuote(lib)} ` +
        `org.neo4j.server.CommunityEntryPoint --home-dir="$home" --config-dir="$home/conf" ` +
        '>>"$home/console.log" 2>&1 </dev/null &',
      '    echo "$!" >"$home/neo4j.pid"',
      '    ;;',
      '  *) echo "systemctl: $1 is not supported here" >&2; exit 2 ;;',
      'esac',
    ]);
    mkdirSync(home, { recursive: true });
  }

  async runBash(
    instanceId: string,
    script: string,
    options: { timeoutSeconds: number; comment: string },
  ): Promise<InstanceCommandResult> {
    if (instanceId !== this.instanceId) throw new Error(`this machine is ${this.instanceId}, not ${instanceId}`);
    this.scripts.push(script);
    const commandId = `emulated-${this.scripts.length}`;
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', script], {
        env: { ...this.aws.env, PATH: `${this.bin}:${process.env.PATH ?? ''}` },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: options.timeoutSeconds * 1_000,
      });
      let [stdout, stderr] = ['', ''];
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({
          status: code === 0 ? 'Success' : signal ? 'TimedOut' : 'Failed',
          exitCode: code ?? -1,
          stdout,
          stderr,
          commandId,
        }),
      );
    });
  }

  dispose(): void {
    rmSync(this.bin, { recursive: true, force: true });
  }
}
