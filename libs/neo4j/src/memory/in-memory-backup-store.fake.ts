// Backup artifacts in memory (embedded profile, unit specs).
import { PassThrough, Readable, Writable } from 'node:stream';
import { BackupStore } from '../backup/backup-store.port';

export class InMemoryBackupStore implements BackupStore {
  readonly objects = new Map<string, Buffer>();

  locate(key: string): string {
    return `memory://backups/${key}`;
  }

  create(key: string): { stream: Writable; commit: () => Promise<void> } {
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, commit: async () => void this.objects.set(key, Buffer.concat(chunks)) };
  }

  open(key: string): Readable {
    const bytes = this.objects.get(key);
    if (!bytes) {
      const missing = new PassThrough();
      process.nextTick(() => missing.destroy(new Error(`no backup ${key}`)));
      return missing;
    }
    return Readable.from([bytes]);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
}
