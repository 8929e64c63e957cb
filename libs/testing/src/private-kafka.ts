// A single-node Kafka of the stack's version that only one spec uses, so the spec can restart it without disturbing the shared broker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@dco/probes';
import { restartComponent, stackConfig, StackConfig, startKafka, stopKafka } from '@dco/stack';

export interface PrivateKafka {
  brokers: string[];
  /** Stops the broker (SIGTERM, as a rolling restart does) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Stops the broker and removes its data. */
  close(): Promise<void>;
}

/** Starts a broker from the stack's cached jars on free ports, with its data, pid file and logs in a temp dir. */
export async function startPrivateKafka(heapMb = 384): Promise<PrivateKafka> {
  const shared = stackConfig();
  const stateDir = mkdtempSync(join(tmpdir(), 'dco-private-kafka-'));
  const config: StackConfig = {
    ...shared,
    stateDir,
    kafka: {
      ...shared.kafka,
      port: await freePort(shared.host),
      controllerPort: await freePort(shared.host),
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
    close: async () => {
      await stopKafka({ config, log });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
