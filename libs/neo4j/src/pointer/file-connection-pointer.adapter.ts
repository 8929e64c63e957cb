// The local profile's connection pointer: a JSON file (.stack/neo4j-pointer.json) written atomically and watched by the services.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConnectionPointer, ConnectionPointerStore, parsePointer, pollPointer } from './connection-pointer.port';

export class FileConnectionPointerStore implements ConnectionPointerStore {
  constructor(readonly location: string) {}

  async read(): Promise<ConnectionPointer | undefined> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parsePointer(text, this.location);
  }

  /** Write to a temporary file then rename: readers never see half a pointer. */
  async write(pointer: ConnectionPointer): Promise<void> {
    await mkdir(dirname(this.location), { recursive: true });
    const temporary = `${this.location}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(pointer, null, 2) + '\n');
    await rename(temporary, this.location);
  }

  watch(listener: (pointer: ConnectionPointer) => void, intervalMs = 500): () => void {
    return pollPointer(() => this.read(), listener, intervalMs);
  }
}
