// Integration spec of the stack tooling itself: `stack:up` is idempotent on a running stack, status reports it, and a component
// can be started, restarted and stopped by pid through the programmatic API (on an isolated Kafka so the shared broker stays up).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { canConnect, freePorts, runTs, stackConfig, waitFor } from '@dco/testing';
import {
  restartComponent,
  stackComponents,
  stackDown,
  stackStatus,
  startKafka,
  StackConfig,
  StackError,
  stopKafka,
} from '@dco/stack';

describe('npm run stack:up on a running stack', () => {
  // Only the configured components: extra Neo4j servers that other spec files start meanwhile are listed by status too.
  const configured = new Set(stackComponents(stackConfig()).map((component) => component.name));
  const ofConfigured = async () =>
    (await stackStatus())
      .filter((status) => configured.has(status.name))
      .map((status) => [status.name, status.state, status.pid]);

  // What makes a second stack:up quick, stated as behaviour (its time is printed, not asserted): it downloads, builds,
  // installs and restarts nothing, and finds every component already running.
  it('downloads, builds and restarts nothing, and reports every component running', async () => {
    const before = await ofConfigured();
    const up = await runTs('stack/stack.ts', { args: ['up'], timeoutMs: 120000 });
    expect(up.code).toBe(0);
    expect(up.output).not.toMatch(/downloading|building|installing|restarting/);
    expect(up.stdout).toMatch(/^stack up in [\d.]+s$/m);
    expect(await ofConfigured()).toEqual(before);
    expect(before).toHaveLength(configured.size);
    for (const [name, , pid] of before.filter(([, , pid]) => pid !== undefined)) {
      expect(up.stdout).toMatch(new RegExp(`^${name}\\s+running .*pid ${pid}\\s+\\(already running\\)$`, 'm'));
    }

    const status = await runTs('stack/stack.ts', { args: ['status'], timeoutMs: 60000 });
    expect(status.code).toBe(0);
    for (const name of configured) expect(status.stdout).toMatch(new RegExp(`^${name}\\s+(running|installed)\\s`, 'm'));
  });
});

/** A broker that did not start fails the spec with the last lines of its log (CI keeps no temp dir). */
function withLogTail<T>(starting: Promise<T>): Promise<T> {
  return starting.catch((error: unknown) => {
    const detail = (error as { detail?: string }).detail;
    throw detail ? new Error(`${(error as Error).message}\n--- last lines of the log ---\n${detail}`) : error;
  });
}

describe('an isolated Kafka broker driven through the programmatic API', () => {
  let config: StackConfig;

  beforeAll(async () => {
    const shared = stackConfig();
    const stateDir = mkdtempSync(join(tmpdir(), 'dco-stack-'));
    const [port, controllerPort] = await freePorts(2);
    config = {
      ...shared,
      stateDir,
      kafka: { ...shared.kafka, port, controllerPort, heapMb: 256 },
    };
  });

  afterAll(async () => {
    await stopKafka({ config, log: () => undefined });
    rmSync(config.stateDir, { recursive: true, force: true });
  });

  it('starts, keeps its data across a restart and a crash, and is stopped by pid with stack down', async () => {
    const options = { config, log: () => undefined };
    // A cluster id starting with '-' (1 in 64 of the random ones) once made the storage format fail in CI.
    mkdirSync(join(config.stateDir, 'kafka'), { recursive: true });
    writeFileSync(join(config.stateDir, 'kafka', 'cluster-id'), '-myCxZEiZE0VoUi6sK9QaQ');
    const started = await withLogTail(startKafka(options));
    expect(started.state).toBe('running');
    const brokers = [`${config.host}:${config.kafka.port}`];
    const kafka = new Kafka({ clientId: 'stack-restart-spec', brokers, logLevel: logLevel.NOTHING });
    const topic = `restart-${randomUUID()}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before-restart' }] });
    await producer.disconnect();

    const restarted = await withLogTail(restartComponent('kafka', options));
    expect(restarted.state).toBe('running');
    expect(restarted.pid).not.toBe(started.pid);

    const consumer = kafka.consumer({ groupId: `g-${randomUUID()}` });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    await waitFor(() => seen.length > 0, { timeoutMs: 30000, description: 'the message written before the restart' });
    await consumer.disconnect();
    expect(seen).toEqual(['before-restart']);

    // A crash (SIGKILL, no clean shutdown): status notices the dead pid, up starts it again on the same data.
    process.kill(restarted.pid ?? 0, 'SIGKILL');
    await waitFor(
      async () => (await stackStatus(options)).find((status) => status.name === 'kafka')?.state === 'stopped',
      {
        timeoutMs: 15000,
        description: 'status to report the killed broker stopped',
      },
    );
    const recovered = await withLogTail(startKafka(options));
    expect(recovered).toMatchObject({ state: 'running', reused: false });
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toContain(topic);

    expect(await stackDown(options)).toEqual(['kafka']);
    expect(await canConnect(config.host, config.kafka.port)).toBe(false);
    expect(existsSync(join(config.stateDir, 'pids', 'kafka.pid'))).toBe(false);
    expect(await stopKafka(options)).toBe(false);
  }, 300000); // three broker starts on 2 shared cores

  it('refuses to start when one of its ports is held by something that is not a healthy broker (STACK.PORT_IN_USE)', async () => {
    const sharedPort = stackConfig().kafka.controllerPort;
    const taken = { ...config, kafka: { ...config.kafka, controllerPort: sharedPort } };
    const failure = await startKafka({ config: taken, log: () => undefined }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackError);
    expect((failure as StackError).code).toBe('STACK.PORT_IN_USE');
    expect((failure as StackError).message).toContain(`${config.host}:${sharedPort}`);
  });

  it('uses, but never stops or restarts, a healthy broker on its port that another clone started', async () => {
    const otherClone = {
      ...config,
      kafka: { ...config.kafka, port: stackConfig().kafka.port, controllerPort: stackConfig().kafka.controllerPort },
    };
    const options = { config: otherClone, log: () => undefined };
    const adopted = await startKafka(options);
    expect(adopted).toMatchObject({ state: 'running', reused: true });
    expect(adopted.pid).toBeUndefined();
    await expect(stopKafka(options)).rejects.toMatchObject({ code: 'STACK.NOT_OWNED' });
    await expect(restartComponent('kafka', options)).rejects.toMatchObject({ code: 'STACK.NOT_OWNED' });
    expect(await stackDown(options)).toEqual([]);
    expect(await canConnect(config.host, stackConfig().kafka.port)).toBe(true);
  });
});
