// The release manifest as the dependency source reads it (ADR 0029): per service its image, the lockfile its image was
// built from, and the builds that carry one package update each. Pure: the text comes in.
import { CodedError } from '@dco/contracts';
import { isObject, parseJsonDocument } from './json-document';
import { parseSemVer } from './semver';
import { isPackageName } from './package-name';

export interface ServiceRelease {
  image: string;
  /** The release's package-lock.json, relative to the manifest's folder. */
  lockfile?: string;
  /** "<package>@<version>" -> the image built with that update, which the infra-deployer may roll out. */
  builds: Record<string, string>;
}

/** Relative, slash-separated, no "." or ".." segment: a lockfile path cannot leave the manifest's folder. */
const RELATIVE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const IMAGE = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/;

function invalid(label: string, what: string): CodedError {
  return new CodedError('DETECT.MANIFEST_INVALID', `${label}: ${what}`);
}

function image(value: unknown, label: string, where: string): string {
  if (typeof value !== 'string' || value.length > 500 || !IMAGE.test(value)) {
    throw invalid(label, `${where} must be an image reference such as repo/name:tag`);
  }
  return value;
}

/** `{"services": {"<service>": {"image", "lockfile"?, "builds"?}}}`; anything else is DETECT.MANIFEST_INVALID. */
export function parseReleaseManifest(text: string, label: string): Record<string, ServiceRelease> {
  const document = parseJsonDocument(text, label);
  const services = isObject(document) ? document.services : undefined;
  if (!isObject(services)) throw invalid(label, 'no "services" object');
  const result: Record<string, ServiceRelease> = {};
  for (const [service, entry] of Object.entries(services)) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(service))
      throw invalid(label, `service name ${JSON.stringify(service.slice(0, 80))}`);
    if (!isObject(entry)) throw invalid(label, `services.${service} must be an object`);
    const release: ServiceRelease = { image: image(entry.image, label, `services.${service}.image`), builds: {} };
    if (entry.lockfile !== undefined) {
      if (typeof entry.lockfile !== 'string' || entry.lockfile.length > 300 || !RELATIVE_PATH.test(entry.lockfile)) {
        throw invalid(label, `services.${service}.lockfile must be a relative path inside the manifest's folder`);
      }
      release.lockfile = entry.lockfile;
    }
    if (entry.builds !== undefined) {
      if (!isObject(entry.builds)) throw invalid(label, `services.${service}.builds must be an object`);
      for (const [key, built] of Object.entries(entry.builds)) {
        const at = key.lastIndexOf('@');
        if (at <= 0 || !isPackageName(key.slice(0, at)) || !parseSemVer(key.slice(at + 1))) {
          throw invalid(
            label,
            `services.${service}.builds key ${JSON.stringify(key.slice(0, 100))} must be <package>@<version>`,
          );
        }
        release.builds[key] = image(built, label, `services.${service}.builds["${key}"]`);
      }
    }
    result[service] = release;
  }
  return result;
}

/** The build a service runs when its running image is one of its builds: [package, version]. */
export function runningBuild(release: ServiceRelease, runningImage: string | undefined): [string, string] | undefined {
  const key = Object.entries(release.builds).find(([, built]) => built === runningImage)?.[0];
  if (!key) return undefined;
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), key.slice(at + 1)];
}

/**
 * service -> the images of its builds, read leniently (app-release only needs to know a running build is not a stray
 * image; the dependency source validates the builds strictly).
 */
export function buildImagesOf(text: string): Record<string, string[]> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {};
  }
  const services = isObject(document) ? document.services : undefined;
  if (!isObject(services)) return {};
  return Object.fromEntries(
    Object.entries(services).map(([service, entry]) => [
      service,
      isObject(entry) && isObject(entry.builds)
        ? Object.values(entry.builds).filter((image): image is string => typeof image === 'string')
        : [],
    ]),
  );
}
