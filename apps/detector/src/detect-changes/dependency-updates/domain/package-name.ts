// npm package names, validated before one reaches a registry URL (ADR 0029). Pure.
import { CodedError } from '@dco/contracts';

/** npm's rule for new packages: lower case, URL-safe, an optional @scope/, at most 214 characters. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function isPackageName(name: string): boolean {
  return name.length > 0 && name.length <= 214 && PACKAGE_NAME.test(name) && !/(^|\/)\.\.?($|\/)/.test(name);
}

/** The name, or DETECT.PACKAGE_NAME_INVALID naming where it came from. */
export function parsePackageName(name: string, where: string): string {
  if (!isPackageName(name)) {
    throw new CodedError(
      'DETECT.PACKAGE_NAME_INVALID',
      `${where}: ${JSON.stringify(name.slice(0, 100))} is not an npm package name (lower-case letters, digits, - . _ ~, an optional @scope/)`,
    );
  }
  return name;
}

/** The packument path of a valid name: a scope's slash is escaped, as the npm CLI sends it. */
export function packumentPath(name: string): string {
  return `/${name.replace('/', '%2f')}`;
}
