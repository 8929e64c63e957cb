// The ObjectStore in memory with the same compare-and-set semantics (unit specs and the embedded profile).
import { createHash } from 'node:crypto';
import { assertObjectKey, ObjectStore, StoredObject } from './object-store.port';

export class InMemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private version = 0;

  locate(key: string): string {
    return `memory://${key}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertObjectKey(key);
    const object = this.objects.get(key);
    return object ? { body: Buffer.from(object.body), etag: object.etag } : undefined;
  }

  async create(key: string, body: Buffer | string): Promise<{ etag: string } | 'exists'> {
    assertObjectKey(key);
    if (this.objects.has(key)) return 'exists';
    return this.write(key, body);
  }

  async replace(key: string, body: Buffer | string, etag: string): Promise<{ etag: string } | 'conflict'> {
    assertObjectKey(key);
    if (this.objects.get(key)?.etag !== etag) return 'conflict';
    return this.write(key, body);
  }

  async put(key: string, body: Buffer | string): Promise<{ etag: string }> {
    assertObjectKey(key);
    return this.write(key, body);
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  private write(key: string, body: Buffer | string): { etag: string } {
    const bytes = Buffer.from(body);
    const etag = `"${createHash('md5').update(bytes).update(String(++this.version)).digest('hex')}"`;
    this.objects.set(key, { body: bytes, etag });
    return { etag };
  }
}
