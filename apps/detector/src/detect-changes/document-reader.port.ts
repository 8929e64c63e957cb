// Reads the JSON documents detection compares (release and dependency manifests, the deployed copies).
import { readFile } from 'node:fs/promises';
import { CodedError } from '@dco/contracts';

export interface DocumentReader {
  /** The text of the document, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
}

export class FileDocumentReader implements DocumentReader {
  async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

export class InMemoryDocumentReader implements DocumentReader {
  readonly documents = new Map<string, string>();

  async read(path: string): Promise<string | undefined> {
    return this.documents.get(path);
  }
}

/** Parses a manifest of name -> string value under one key; anything else is DETECT.MANIFEST_INVALID. */
export function parseStringMap(
  text: string,
  key: string,
  field: string | undefined,
  label: string,
): Record<string, string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CodedError('DETECT.MANIFEST_INVALID', `${label} is not valid JSON`, (error as Error).message);
  }
  const section = isObject(document) ? document[key] : undefined;
  if (!isObject(section)) throw new CodedError('DETECT.MANIFEST_INVALID', `${label} has no "${key}" object`);
  const result: Record<string, string> = {};
  for (const [name, entry] of Object.entries(section)) {
    const value = field === undefined ? entry : isObject(entry) ? entry[field] : undefined;
    if (typeof value !== 'string' || value.trim() === '' || value.length > 500) {
      throw new CodedError(
        'DETECT.MANIFEST_INVALID',
        `${label}: ${key}.${name}${field ? `.${field}` : ''} must be a non-empty string`,
      );
    }
    result[name] = value;
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
