// The connection pointer in memory (embedded profile, unit specs), with synchronous change notifications.
import { ConnectionPointer, ConnectionPointerStore } from './connection-pointer.port';

export class InMemoryConnectionPointerStore implements ConnectionPointerStore {
  readonly location = 'memory:neo4j-pointer';
  private pointer?: ConnectionPointer;
  private readonly listeners = new Set<(pointer: ConnectionPointer) => void>();
  /** Every pointer written, oldest first: specs assert the order of switches. */
  readonly history: ConnectionPointer[] = [];

  async read(): Promise<ConnectionPointer | undefined> {
    return this.pointer ? structuredClone(this.pointer) : undefined;
  }

  async write(pointer: ConnectionPointer): Promise<void> {
    this.pointer = structuredClone(pointer);
    this.history.push(structuredClone(pointer));
    this.listeners.forEach((listener) => listener(structuredClone(pointer)));
  }

  watch(listener: (pointer: ConnectionPointer) => void): () => void {
    this.listeners.add(listener);
    if (this.pointer) listener(structuredClone(this.pointer));
    return () => this.listeners.delete(listener);
  }
}

let embedded: InMemoryConnectionPointerStore | undefined;

/** The embedded profile's one pointer per process: the db-migrator service writes it, the orchestrator's dashboard reads it. */
export function embeddedConnectionPointer(): InMemoryConnectionPointerStore {
  embedded ??= new InMemoryConnectionPointerStore();
  return embedded;
}
