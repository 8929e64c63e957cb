// The ObjectStore on a local directory: the workspace's store when no bucket is configured (one replica, the embedded
// profile and tests). Keys are relative paths; compare-and-set holds within one process (writes are serialized), not
// across processes: several replicas need the S3 store (ADR 0016).
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { assertObjectKey, ObjectStore, StoredObject } from '@dco/aws';

export class DirObjectStore implements ObjectStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly root: string) {}

  locate(key: string): string {
    return join(this.root, key);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertObjectKey(key);
    try {
      const body = await readFile(this.locate(key));
      return { body, etag: etagOf(body) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR')
        return undefined;
      throw error;
    }
  }

  create(key: string, body: Buffer | string): Promise<{ etag: string } | 'exists'> {
    return this.serialize(async () => ((await this.get(key)) ? 'exists' : this.write(key, body)));
  }

  replace(key: string, body: Buffer | string, etag: string): Promise<{ etag: string } | 'conflict'> {
    return this.serialize(async () => ((await this.get(key))?.etag === etag ? this.write(key, body) : 'conflict'));
  }

  put(key: string, body: Buffer | string): Promise<{ etag: string }> {
    assertObjectKey(key);
    return this.serialize(() => this.write(key, body));
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await rm(this.locate(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.endsWith('.tmp'))
          files.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return files.filter((key) => key.startsWith(prefix)).sort();
  }

  /** Write-then-rename, so a crash never leaves a half-written object. */
  private async write(key: string, body: Buffer | string): Promise<{ etag: string }> {
    assertObjectKey(key);
    const path = this.locate(key);
    const bytes = Buffer.from(body);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, bytes, { flush: true });
    await rename(temporary, path);
    return { etag: etagOf(bytes) };
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex')}"`;
}
