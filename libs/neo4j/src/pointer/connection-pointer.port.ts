// The connection pointer: which Neo4j the services use and whether they may write (SSM parameter in AWS, a watched file locally).
import { CodedError } from '@dco/contracts';

export interface Neo4jEndpoint {
  instanceId: string;
  boltUri: string;
  version: string;
}

/** What the last completed migration did, so that a redelivered MigrateDb or RollbackDb answers without acting twice. */
export interface MigrationRecord {
  runId: string;
  from: Neo4jEndpoint;
  to: Neo4jEndpoint;
  nodes: number;
  relationships: number;
  checksum: string;
}

export interface ConnectionPointer {
  /** The server every consumer must use. */
  current: Neo4jEndpoint;
  /** 'frozen' during the cutover window: consumers hold writes until the pointer opens again (ADR 0006). */
  writes: 'open' | 'frozen';
  /** The previous server, kept for rollback until it is retired. */
  previous?: Neo4jEndpoint & { retireAfter: string };
  lastMigration?: MigrationRecord;
  /** Increases with every change; consumers ignore stale notifications. */
  generation: number;
  updatedAt: string;
}

export interface ConnectionPointerStore {
  /** Where the pointer lives (file path or parameter name), for messages. */
  readonly location: string;
  read(): Promise<ConnectionPointer | undefined>;
  write(pointer: ConnectionPointer): Promise<void>;
  /** Calls back on every change (polling or file watching); returns the function that stops watching. */
  watch(listener: (pointer: ConnectionPointer) => void, intervalMs?: number): () => void;
}

/** Parses and checks a stored pointer (file or parameter text). */
export function parsePointer(text: string, location: string): ConnectionPointer {
  const value = JSON.parse(text) as Partial<ConnectionPointer>;
  const endpointOk = (e: unknown): e is Neo4jEndpoint =>
    typeof e === 'object' &&
    e !== null &&
    ['instanceId', 'boltUri', 'version'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string');
  if (
    !endpointOk(value.current) ||
    (value.writes !== 'open' && value.writes !== 'frozen') ||
    typeof value.generation !== 'number'
  ) {
    throw new CodedError('DB.POINTER_MALFORMED', `the Neo4j connection pointer at ${location} is malformed`);
  }
  return value as ConnectionPointer;
}

/** Polling watcher shared by the adapters: notifies when the generation changes. */
export function pollPointer(
  read: () => Promise<ConnectionPointer | undefined>,
  listener: (pointer: ConnectionPointer) => void,
  intervalMs: number,
): () => void {
  let last = -1;
  let stopped = false;
  const tick = async () => {
    try {
      const pointer = await read();
      if (!stopped && pointer && pointer.generation !== last) {
        last = pointer.generation;
        listener(pointer);
      }
    } catch {
      // A half-written or briefly unavailable pointer is read again on the next tick.
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
