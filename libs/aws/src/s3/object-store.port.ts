// Objects under one bucket and prefix with compare-and-set writes: the one primitive that lets several replicas share
// state without a lock server (S3 conditional writes: If-None-Match: * creates, If-Match: <ETag> replaces). ADR 0016.

export interface StoredObject {
  body: Buffer;
  /** Opaque version token (the S3 ETag); pass it back to replace() to write only over this exact version. */
  etag: string;
}

export interface ObjectStore {
  /** Where a key lives, for logs and records (s3://bucket/prefix/key or a path). */
  locate(key: string): string;
  get(key: string): Promise<StoredObject | undefined>;
  /** Creates the object only if no object has that key; 'exists' otherwise (never overwrites). */
  create(key: string, body: Buffer | string): Promise<{ etag: string } | 'exists'>;
  /** Writes over the object only if it is still at etag; 'conflict' when another writer got there first (or it is gone). */
  replace(key: string, body: Buffer | string, etag: string): Promise<{ etag: string } | 'conflict'>;
  /** Unconditional write (content addressed or single-writer objects only). */
  put(key: string, body: Buffer | string): Promise<{ etag: string }>;
  delete(key: string): Promise<void>;
  /** Keys (relative to the store's prefix) that start with prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** Keys are relative paths of safe segments: no "..", no leading slash, no empty segment. */
export function assertObjectKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._=@:+-]*(\/[A-Za-z0-9][A-Za-z0-9._=@:+-]*)*$/.test(key) || key.length > 900)
    throw new Error(`invalid object key "${key}"`);
}

export async function readJsonObject<T>(
  store: ObjectStore,
  key: string,
): Promise<{ value: T; etag: string } | undefined> {
  const object = await store.get(key);
  return object ? { value: JSON.parse(object.body.toString('utf8')) as T, etag: object.etag } : undefined;
}

/**
 * Read-modify-write of one JSON object under compare-and-set: change() gets the current value (undefined when absent)
 * and returns the next one (or undefined to leave it as it is); a concurrent writer makes it re-read and try again,
 * so no update is lost. Gives up after `attempts` conflicts in a row.
 */
export async function updateJsonObject<T>(
  store: ObjectStore,
  key: string,
  change: (current: T | undefined) => T | undefined,
  attempts = 50,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readJsonObject<T>(store, key);
    const next = change(current ? structuredClone(current.value) : undefined);
    if (next === undefined) return current?.value;
    const body = JSON.stringify(next);
    const written = current ? await store.replace(key, body, current.etag) : await store.create(key, body);
    if (written !== 'exists' && written !== 'conflict') return next;
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * (attempt + 1))));
  }
  throw new Error(`${store.locate(key)}: gave up after ${attempts} concurrent-write conflicts`);
}
