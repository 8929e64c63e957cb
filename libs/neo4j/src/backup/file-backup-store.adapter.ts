// Backup artifacts as files under a directory; written to a temporary name and renamed, so a crash never leaves a half backup under the real key.
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { access, rename } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BackupStore } from './backup-store.port';

export class FileBackupStore implements BackupStore {
  constructor(private readonly directory: string) {}

  locate(key: string): string {
    return isAbsolute(key) ? key : resolve(join(this.directory, key));
  }

  create(key: string): { stream: ReturnType<typeof createWriteStream>; commit: () => Promise<void> } {
    const path = this.locate(key);
    mkdirSync(dirname(path), { recursive: true });
    const partial = `${path}.partial`;
    return { stream: createWriteStream(partial), commit: () => rename(partial, path) };
  }

  open(key: string) {
    return createReadStream(this.locate(key));
  }

  async exists(key: string): Promise<boolean> {
    return access(this.locate(key)).then(
      () => true,
      () => false,
    );
  }
}
