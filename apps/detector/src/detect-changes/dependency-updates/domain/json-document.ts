// The JSON documents the dependency source reads (release manifest, lockfiles): parsed, or DETECT.MANIFEST_INVALID. Pure.
import { CodedError } from '@dco/contracts';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonDocument(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CodedError('DETECT.MANIFEST_INVALID', `${label} is not valid JSON`, (error as Error).message);
  }
}
