// A single-node Kafka of the stack's version that only one spec uses, so the spec can restart it without disturbing the shared broker.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts, waitFor } from '@dco/probes';
import {
  newKafkaClusterId,
  restartComponent,
  stackConfig,
  StackConfig,
  stackPaths,
  startKafka,
  stopKafka,
} from '@dco/stack';

export interface PrivateKafka {
  brokers: string[];
  /** Stops the broker (SIGTERM, as a rolling restart does) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Stops the broker and keeps its data (an outage of a length the spec decides); start() brings it back. */
  stop(): Promise<void>;
  /** Starts the stopped broker again on the same data; returns when it answers describeCluster. */
  start(): Promise<void>;
  /** Stops the broker and removes its data. */
  close(): Promise<void>;
}

/** Starts a broker from the stack's cached jars on free ports, with its data, pid file and logs in a temp dir. */
export async function startPrivateKafka(heapMb = 384): Promise<PrivateKafka> {
  const shared = stackConfig();
  const stateDir = mkdtempSync(join(tmpdir(), 'dco-private-kafka-'));
  const [port, controllerPort] = await freePorts(2, shared.host);
  const config: StackConfig = {
    ...shared,
    stateDir,
    kafka: {
      ...shared.kafka,
      port,
      controllerPort,
      heapMb,
      partitions: 1,
    },
  };
  const log = (line: string): void => void process.stderr.write(`private kafka: ${line}\n`);
  try {
    await startKafka({ config, log });
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true }); // a broker that did not become ready was stopped by startKafka
    throw error;
  }
  return {
    brokers: [`${config.host}:${config.kafka.port}`],
    restart: async () => void (await restartComponent('kafka', { config, log })),
    stop: async () => void (await stopKafka({ config, log })),
    start: async () => void (await startKafka({ config, log })),
    close: async () => {
      await stopKafka({ config, log });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A private broker that authenticates with SASL/SCRAM-SHA-512 and authorizes with ACLs (KRaft's StandardAuthorizer). */
export interface PrivateSecureKafka {
  brokers: string[];
  /** The super user's credentials: creates topics and ACLs. */
  admin: { username: string; password: string };
  /** Stops the broker and removes its data. */
  close(): Promise<void>;
}

export interface PrivateSecureKafkaOptions {
  /** SCRAM-SHA-512 users created when the storage is formatted (KRaft takes them there), name -> password. */
  users: Record<string, string>;
  heapMb?: number;
}

/**
 * Starts a broker from the stack's cached jars whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512 and whose
 * authorizer is StandardAuthorizer with allow.everyone.if.no.acl.found=false: a principal may do only what an ACL allows.
 * The controller listener stays PLAINTEXT on its own port (its principal, ANONYMOUS, is a super user so the combined
 * node can talk to itself); clients never use it. The shared stack's broker is not touched and stays unauthenticated.
 */
export async function startPrivateSecureKafka(options: PrivateSecureKafkaOptions): Promise<PrivateSecureKafka> {
  const shared = stackConfig();
  const paths = stackPaths(shared);
  const home = mkdtempSync(join(tmpdir(), 'dco-private-secure-kafka-'));
  const host = shared.host;
  const [port, controllerPort] = await freePorts(2, host);
  const admin = { username: 'dco-admin', password: randomBytes(18).toString('base64url') };
  const users = { ...options.users, [admin.username]: admin.password };
  for (const [name, password] of Object.entries(users))
    if (!/^[A-Za-z0-9._-]+$/.test(name) || !/^[A-Za-z0-9._-]+$/.test(password))
      throw new Error(`SCRAM user ${name}: names and passwords are limited to [A-Za-z0-9._-] here`);
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=SASL_PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://${host}:${port}`,
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin.username};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${join(home, 'data')}`,
    'num.partitions=1',
    'num.network.threads=2',
    'num.io.threads=2',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=3',
    'min.insync.replicas=1',
    'default.replication.factor=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
  const propertiesFile = join(home, 'server.properties');
  writeFileSync(propertiesFile, properties, { mode: 0o600 });
  writeFileSync(
    join(home, 'log4j.properties'),
    'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
  );
  const java = (main: string, args: string[], heapMb: number) => [
    `-Xmx${heapMb}m`,
    `-Dlog4j.configuration=file:${join(home, 'log4j.properties')}`,
    `-Dkafka.logs.dir=${join(home, 'logs')}`,
    '-cp',
    join(paths.kafkaLibs, '*'),
    main,
    ...args,
  ];
  const scram = Object.entries(users).flatMap(([name, password]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${password}]`,
  ]);
  await new Promise<void>((resolve, reject) => {
    const format = spawn(
      'java',
      java(
        'kafka.tools.StorageTool',
        ['format', `--cluster-id=${newKafkaClusterId()}`, '-c', propertiesFile, ...scram],
        256,
      ),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    format.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    format.on('error', reject);
    format.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kafka storage format failed: ${stderr}`))));
  });
  const broker = spawn('java', java('kafka.Kafka', [propertiesFile], options.heapMb ?? 384), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  broker.stderr.on('data', (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => broker.on('exit', () => resolve()));
  const close = async () => {
    if (broker.exitCode === null && broker.signalCode === null) {
      broker.kill('SIGTERM');
      const timer = setTimeout(() => broker.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const brokers = [`${host}:${port}`];
  try {
    await waitFor(
      async () => {
        if (broker.exitCode !== null) throw new Error(`the secure private broker exited: ${output}`);
        const probe = new Kafka({
          clientId: 'dco-private-secure-probe',
          brokers,
          sasl: { mechanism: 'scram-sha-512', ...admin },
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
        }).admin();
        try {
          await probe.connect();
          const cluster = await probe.describeCluster();
          return cluster.brokers.length > 0;
        } catch {
          return false;
        } finally {
          await probe.disconnect().catch(() => undefined);
        }
      },
      {
        description: 'the secure private broker answers an authenticated describeCluster',
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { brokers, admin, close };
}
