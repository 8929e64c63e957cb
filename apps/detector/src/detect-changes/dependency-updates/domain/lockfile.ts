// What a service's release runs from npm: the direct dependencies of its package-lock.json (lockfileVersion 2 or 3) and
// their installed versions. Pure: the text comes in; names are validated here, before they can reach a registry URL.
import { CodedError } from '@dco/contracts';
import { isObject, parseJsonDocument } from './json-document';
import { parsePackageName } from './package-name';

/** A release declaring more direct dependencies than this is refused rather than asked about one by one. */
export const MAX_DIRECT_DEPENDENCIES = 500;

/**
 * name -> installed version of the root package's dependencies and optionalDependencies (what the image runs; dev
 * dependencies are not shipped). A name that is not npm's, or a dependency the lockfile does not resolve, is
 * DETECT.MANIFEST_INVALID / DETECT.PACKAGE_NAME_INVALID naming the lockfile.
 */
export function installedDependencies(text: string, label: string): Record<string, string> {
  const document = parseJsonDocument(text, label);
  const packages = isObject(document) ? document.packages : undefined;
  const root = isObject(packages) ? packages[''] : undefined;
  if (!isObject(packages) || !isObject(root)) {
    throw new CodedError(
      'DETECT.MANIFEST_INVALID',
      `${label} is not a package-lock.json of lockfileVersion 2 or 3 (no "packages" with a root "" entry)`,
    );
  }
  const declared = [root.dependencies, root.optionalDependencies].filter(isObject).flatMap((map) => Object.keys(map));
  if (declared.length > MAX_DIRECT_DEPENDENCIES) {
    throw new CodedError(
      'DETECT.MANIFEST_INVALID',
      `${label} declares ${declared.length} dependencies (at most ${MAX_DIRECT_DEPENDENCIES})`,
    );
  }
  const installed: Record<string, string> = {};
  for (const name of [...new Set(declared)].sort()) {
    parsePackageName(name, label);
    const entry = packages[`node_modules/${name}`];
    const version = isObject(entry) ? entry.version : undefined;
    if (typeof version !== 'string' || version.length === 0 || version.length > 256) {
      // An optional dependency for another platform is declared but not installed: nothing runs it.
      if (isObject(root.optionalDependencies) && name in root.optionalDependencies) continue;
      throw new CodedError(
        'DETECT.MANIFEST_INVALID',
        `${label}: ${name} is declared but the lockfile installs no version of it`,
      );
    }
    installed[name] = version;
  }
  return installed;
}
