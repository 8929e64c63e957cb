// Random UUIDs for message ids in production; tests pass a deterministic IdGenerator instead.
import { randomUUID } from 'node:crypto';
import { IdGenerator } from '@dco/contracts';

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
