// Process-level harness of the saga e2e and fault specs: each app as its own OS process on the real Kafka, in a topic
// namespace of its own, with a read-committed tap on every message and helpers to wait on runs and worker counts.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Consumer, Kafka, logLevel } from 'kafkajs';
import {
  ALL_MESSAGE_TYPES,
  AnyMessage,
  DataOf,
  MessageType,
  createMessage,
  parseMessage,
  runIdOf,
  systemClock,
} from '@dco/contracts';
import { sha256Hex, uuidGenerator } from '@dco/platform';
import { KafkaMessageBus } from '@dco/messaging';
import { AppProcess, freePort, waitFor } from '@dco/testing';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'saga');

export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

/**
 * The API credentials every app of an e2e environment is started with (fresh tokens per test process): an admin the
 * harness reads and acts with, two operators the approval specs decide as, and a viewer.
 */
export const E2E_TOKENS = {
  'e2e-admin': randomBytes(24).toString('base64url'),
  alice: randomBytes(24).toString('base64url'),
  bob: randomBytes(24).toString('base64url'),
  'e2e-viewer': randomBytes(24).toString('base64url'),
} as const;
const ROLES: Record<keyof typeof E2E_TOKENS, string> = {
  'e2e-admin': 'admin',
  alice: 'operator',
  bob: 'operator',
  'e2e-viewer': 'viewer',
};
export const E2E_API_CREDENTIALS = Object.entries(E2E_TOKENS)
  .map(([name, token]) => `${name}:${ROLES[name as keyof typeof E2E_TOKENS]}:${sha256Hex(token)}`)
  .join(',');
/** The header of a request as the harness's admin. */
export const E2E_AUTHORIZATION = { authorization: `Bearer ${E2E_TOKENS['e2e-admin']}` };

export type AppName = 'scheduler' | 'orchestrator' | 'detector' | 'infra-deployer' | 'db-migrator' | 'dco-runner';

/** One isolated environment: its own topic prefix and consumer-group namespace on the shared broker. */
export class SagaE2eEnvironment {
  readonly id = randomUUID().slice(0, 8);
  readonly prefix = `e2e-${this.id}.`;
  readonly namespace = `e2e-${this.id}`;
  /** The admin's API token (E2E_TOKENS has the others). */
  readonly apiToken = E2E_TOKENS['e2e-admin'];
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private tap?: Consumer;
  private closing = false;
  private bus?: KafkaMessageBus;
  readonly apps: AppProcess[] = [];
  /** Every message seen on the namespace's topics (read-committed), in arrival order. */
  readonly seen: AnyMessage[] = [];

  /** `brokers`: the shared stack's by default; a spec that restarts its broker passes a private one's. */
  constructor(readonly brokers: string[] = BROKERS) {
    this.kafka = new Kafka({ clientId: `e2e-${this.id}`, brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  async open(): Promise<this> {
    await this.admin.connect();
    const topics = ALL_MESSAGE_TYPES.map((type) => `${this.prefix}${type}`);
    // A busy broker may answer "does not host this topic-partition" while it elects leaders: wait until all exist.
    await waitFor(
      async () => {
        const existing = new Set(await this.admin.listTopics());
        const missing = topics.filter((topic) => !existing.has(topic));
        if (missing.length > 0)
          await this.admin.createTopics({
            waitForLeaders: true,
            timeout: 30_000,
            topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
          });
        return (await this.admin.fetchTopicMetadata({ topics })).topics.every((topic) =>
          topic.partitions.every((partition) => partition.leader >= 0),
        );
      },
      { description: 'the namespace topics', timeoutMs: 120_000, intervalMs: 1_000 },
    );
    // A crash during close() (the broker-restart spec) must not schedule a restart that reconnects after disconnect().
    const tap = this.kafka.consumer({
      groupId: `${this.namespace}.tap`,
      readUncommitted: false,
      retry: { retries: 5, restartOnFailure: async () => !this.closing },
    });
    this.tap = tap;
    await tap.connect();
    await tap.subscribe({ topics, fromBeginning: true });
    await tap.run({
      eachMessage: async ({ message }) => {
        const parsed = parseMessage(message.value);
        if (parsed.ok) this.seen.push(parsed.message);
      },
    });
    this.bus = new KafkaMessageBus({
      brokers: this.brokers,
      clientId: `e2e-${this.id}-test`,
      topicPrefix: this.prefix,
      partitions: 3,
      namespace: this.namespace,
      logLevel: 'error',
    });
    return this;
  }

  /** Starts an app with the namespace's settings plus `env`; resolves when it is healthy. */
  async start(name: AppName, env: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    // Stable across restart() (same port), as a container restarted in place keeps its pod name: the replacement's
    // transactional producer fences its killed predecessor's open transaction at once (ADR 0004).
    const app = new AppProcess(
      name,
      port,
      this.envFor({ PORT: String(port), DCO_INSTANCE_ID: `${name}-${port}`, ...env }),
      { logFile: this.logFileFor(`${name}-${port}`) },
    );
    this.apps.push(app);
    app.start();
    await app.waitHealthy();
    return app;
  }

  /** Each process's output, kept under test-artifacts/saga/<environment>/ for the post-mortem of a failed spec. */
  private logFileFor(instance: string): string {
    const directory = join(ARTIFACTS, this.namespace);
    mkdirSync(directory, { recursive: true });
    return join(directory, `${instance}.log`);
  }

  /** Starts a replacement for a killed app on the same port and settings. */
  async restart(app: AppProcess): Promise<AppProcess> {
    await app.kill();
    app.start();
    await app.waitHealthy();
    return app;
  }

  envFor(env: Record<string, string>): NodeJS.ProcessEnv {
    return {
      NODE_ENV: 'test',
      DCO_PROFILE: 'local',
      KAFKA_BROKERS: this.brokers.join(','),
      KAFKA_PARTITIONS: '3',
      // Every partition of a subscription at once, so the e2e runs cover concurrent partitions and shared commits too.
      KAFKA_PARTITIONS_CONCURRENTLY: '3',
      // A killed app's replacement gets its partitions once the dead member's session ends: 10 s, not the default 30.
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      DCO_NAMESPACE: this.namespace,
      DCO_TOPIC_PREFIX: this.prefix,
      // info: each process's log file (test-artifacts/saga/<namespace>) shows the lease and saga transitions of a failure.
      LOG_LEVEL: 'info',
      // The saga specs drive the workers' in-memory stand-ins; outside the embedded profile only this opt-in admits them (ADR 0014).
      DCO_STAGE_ENGINE: 'simulated',
      DCO_ALLOW_SIMULATED: 'test',
      DCO_API_CREDENTIALS: E2E_API_CREDENTIALS,
      SAGA_TIMER_INTERVAL_MS: '250',
      // The specs tick unrelated random days in one namespace, side by side: independent days (ADR 0023's `last`; the
      // default `all` would run the years between them first). test/missed-days.e2e-spec.ts sets `all`.
      DCO_CATCH_UP: 'last',
      // The local stack's AWS emulator (alerts go to EventBridge there).
      DCO_AWS_ENDPOINT: process.env.DCO_AWS_ENDPOINT ?? 'http://127.0.0.1:5055',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      ...env,
    };
  }

  async publish<T extends MessageType>(
    type: T,
    data: DataOf<T>,
    runId: string,
    causedBy?: AnyMessage,
  ): Promise<AnyMessage> {
    const message = createMessage(
      type,
      data,
      { runId, producer: type === 'DailyTick' ? 'scheduler' : 'cli', ...(causedBy ? { causedBy } : {}) },
      { clock: systemClock, ids: uuidGenerator },
    ) as AnyMessage;
    await this.bus?.publish(message);
    return message;
  }

  tick(day: string): Promise<AnyMessage> {
    return this.publish('DailyTick', { day, trigger: 'manual', scheduledAt: new Date().toISOString() }, runIdOf(day));
  }

  messagesOf(runId: string, type?: MessageType): AnyMessage[] {
    return this.seen.filter((m) => m.runId === runId && (!type || m.type === type));
  }

  /** Distinct messages of a type for a run (a redelivered record has the same eventId). */
  distinct(runId: string, type: MessageType): AnyMessage[] {
    return [...new Map(this.messagesOf(runId, type).map((m) => [m.eventId, m])).values()];
  }

  async waitForMessage(runId: string, type: MessageType, timeoutMs = 120_000): Promise<AnyMessage> {
    return waitFor(() => this.messagesOf(runId, type)[0], {
      description: `${type} of ${runId}`,
      timeoutMs,
      intervalMs: 100,
    });
  }

  /**
   * Waits until the tap has seen each of `types` for the run. The tap reads every topic on its own, so a run's last
   * message can arrive before an earlier one on another topic (a CI rehearsal saw RunCompleted while MigrateDb, and once
   * RunDco, were still on their way): counts are asserted once every type asserted on is in.
   */
  async waitForEach(runId: string, types: readonly MessageType[], timeoutMs = 120_000): Promise<void> {
    await Promise.all(types.map((type) => this.waitForMessage(runId, type, timeoutMs)));
  }

  /** As `waitForEach`, for `count` distinct messages of one type. */
  async waitForCount(runId: string, type: MessageType, count: number, timeoutMs = 120_000): Promise<void> {
    await waitFor(() => this.distinct(runId, type).length >= count, {
      description: `${count} ${type} of ${runId}`,
      timeoutMs,
      intervalMs: 100,
    });
  }

  /** Follows causationId links from `message` back to the start of its chain. */
  causationChain(message: AnyMessage): string[] {
    const byId = new Map(this.seen.map((m) => [m.eventId, m]));
    const chain: string[] = [];
    let current: AnyMessage | undefined = message;
    while (current) {
      chain.unshift(current.type);
      current = current.causationId ? byId.get(current.causationId) : undefined;
    }
    return chain;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.apps.map((app) => app.kill()));
    await this.bus?.close().catch(() => undefined);
    await this.tap?.disconnect().catch(() => undefined);
    const existing = await this.admin.listTopics().catch(() => [] as string[]);
    await this.admin
      .deleteTopics({ topics: existing.filter((topic) => topic.startsWith(this.prefix)) })
      .catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

/** The orchestrator's view of a run over its REST API. */
export interface RunViewJson {
  runId: string;
  status: string;
  finished: boolean;
  steps: { step: string; attempt: number; outcome: string; failure?: { code: string } }[];
  failure?: { code: string };
  resultHash?: string;
  rolledBack: string[];
  approvals: { decision?: { granted: boolean; by: string } }[];
  pendingCompensations: string[];
}

export async function getRun(orchestrator: AppProcess, runId: string): Promise<RunViewJson | undefined> {
  const response = await fetch(`${orchestrator.url}/api/runs/${runId}`, {
    headers: E2E_AUTHORIZATION,
    signal: AbortSignal.timeout(3_000),
  });
  return response.status === 200 ? ((await response.json()) as RunViewJson) : undefined;
}

export async function waitForRun(
  orchestrator: AppProcess,
  runId: string,
  predicate: (run: RunViewJson) => boolean,
  timeoutMs = 180_000,
): Promise<RunViewJson> {
  return waitFor(
    async () => {
      const run = await getRun(orchestrator, runId);
      return run && predicate(run) ? run : undefined;
    },
    { description: `${runId} to reach the expected state`, timeoutMs, intervalMs: 300 },
  );
}

/** An orchestrator's role from its /health (`checks.saga.detail.role`): active or standby (ADR 0004). */
export async function roleOf(orchestrator: AppProcess): Promise<'active' | 'standby' | undefined> {
  const report = (await orchestrator.health().catch(() => undefined)) as
    | { checks?: { saga?: { detail?: { role?: 'active' | 'standby' } } } }
    | undefined;
  return report?.checks?.saga?.detail?.role;
}

/** Waits until `orchestrator` holds the lease and runs the saga. */
export async function waitForActive(orchestrator: AppProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await roleOf(orchestrator)) === 'active', {
    description: `${orchestrator.name} on ${orchestrator.url} to become the active orchestrator`,
    timeoutMs,
    intervalMs: 100,
  });
}

/** The causation chain of a day whose every stage ran and succeeded, from the tick to RunCompleted. */
export const HAPPY_PATH_CHAIN = [
  'DailyTick',
  'DetectChanges',
  'ChangesDetected',
  'ApplyInfra',
  'InfraApplied',
  'MigrateDb',
  'DbMigrated',
  'RunDco',
  'DcoCompleted',
  'RunCompleted',
] as const;
export const finished = (run: RunViewJson) => run.finished;
export const stepsOf = (run: RunViewJson) => run.steps.map((s) => `${s.step}:${s.outcome}`);

/** A random future day, so that runs never collide with earlier test runs and the DCO deadline leaves room. */
export function futureDay(): string {
  const year = 2040 + Math.floor(Math.random() * 50);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export type WorkerEnv = Partial<
  Record<'detector' | 'infra-deployer' | 'db-migrator' | 'dco-runner', Record<string, string>>
>;

/** Starts the four workers (in parallel) with their simulated outcomes (envFor selects the stand-ins); `common` goes to every one of them. */
export async function startWorkers(
  env: SagaE2eEnvironment,
  settings: WorkerEnv = {},
  common: Record<string, string> = {},
): Promise<Record<'detector' | 'infra-deployer' | 'db-migrator' | 'dco-runner', AppProcess>> {
  const [detector, infra, db, dco] = await Promise.all([
    env.start('detector', { DCO_SIMULATED_CHANGES: 'neo4j-ami,terraform-config', ...common, ...settings.detector }),
    env.start('infra-deployer', { ...common, ...settings['infra-deployer'] }),
    env.start('db-migrator', { ...common, ...settings['db-migrator'] }),
    env.start('dco-runner', { ...common, ...settings['dco-runner'] }),
  ]);
  return { detector, 'infra-deployer': infra, 'db-migrator': db, 'dco-runner': dco };
}
