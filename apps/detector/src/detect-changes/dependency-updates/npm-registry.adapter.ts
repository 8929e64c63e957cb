// The npm registry HTTP API (registry.npmjs.org, Verdaccio): packuments, and advisories from the bulk advisory endpoint
// or from an advisory feed package where the registry serves no advisories itself (Verdaccio). ADR 0029.
import { CodedError } from '@dco/contracts';
import { Advisory, PublishedPackage } from './domain/update-policy';
import { packumentPath, parsePackageName } from './domain/package-name';
import { isObject } from './domain/json-document';
import { PackageRegistry } from './package-registry.port';

export interface NpmRegistryOptions {
  /** The registry's base URL (DCO_NPM_REGISTRY_URL), e.g. https://registry.npmjs.org. */
  url: string;
  /**
   * A package whose latest version's package.json carries `advisories` in the bulk endpoint's answer format
   * (DCO_NPM_ADVISORY_FEED); unset = POST /-/npm/v1/security/advisories/bulk.
   */
  advisoryFeed?: string;
  /** Per request. */
  timeoutMs?: number;
}

/** A packument bigger than this is refused rather than parsed (the biggest public ones are tens of MB in full). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const ABBREVIATED = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

export class NpmRegistryClient implements PackageRegistry {
  readonly where: string;
  private readonly base: string;

  constructor(private readonly options: NpmRegistryOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.where = `npm registry ${this.base}`;
    if (options.advisoryFeed !== undefined) parsePackageName(options.advisoryFeed, 'DCO_NPM_ADVISORY_FEED');
  }

  async packument(name: string, signal?: AbortSignal): Promise<PublishedPackage | undefined> {
    parsePackageName(name, this.where);
    // The abbreviated packument (what npm install reads) carries versions, dist-tags and `deprecated`.
    const document = await this.getJson(packumentPath(name), ABBREVIATED, signal);
    return document === undefined ? undefined : readPackument(name, document, this.where);
  }

  async advisories(installed: Record<string, string[]>, signal?: AbortSignal): Promise<Record<string, Advisory[]>> {
    const names = Object.keys(installed).map((name) => parsePackageName(name, this.where));
    if (names.length === 0) return {};
    const answer = this.options.advisoryFeed
      ? await this.feedAdvisories(this.options.advisoryFeed, signal)
      : await this.request('POST', '/-/npm/v1/security/advisories/bulk', 'application/json', signal, installed);
    const all = readAdvisories(answer, `${this.where} advisories`);
    return Object.fromEntries(
      names.filter((name) => all[name]?.length).map((name) => [name, all[name]] as [string, Advisory[]]),
    );
  }

  /** The feed package's latest version: its package.json field `advisories` (the full packument keeps custom fields). */
  private async feedAdvisories(feed: string, signal?: AbortSignal): Promise<unknown> {
    const document = await this.getJson(packumentPath(feed), 'application/json', signal);
    if (document === undefined) {
      throw new CodedError(
        'DETECT.REGISTRY_ANSWER_INVALID',
        `${this.where} does not publish the advisory feed ${feed}`,
        'publish it, or unset DCO_NPM_ADVISORY_FEED to ask the bulk advisory endpoint',
      );
    }
    const packument = readPackument(feed, document, this.where);
    const raw = document as { versions: Record<string, { advisories?: unknown }> };
    const latest = packument.latest && raw.versions[packument.latest];
    if (!latest) throw invalid(this.where, `the advisory feed ${feed} has no latest version`);
    return latest.advisories ?? {};
  }

  private async getJson(path: string, accept: string, signal?: AbortSignal): Promise<unknown> {
    return this.request('GET', path, accept, signal);
  }

  /** The parsed JSON answer; undefined for 404; DETECT.REGISTRY_UNREACHABLE or _ANSWER_INVALID otherwise. */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    accept: string,
    outer?: AbortSignal,
    body?: unknown,
  ): Promise<unknown> {
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 10_000), ...(outer ? [outer] : [])];
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
    } catch (error) {
      throw new CodedError(
        'DETECT.REGISTRY_UNREACHABLE',
        `${this.where} did not answer ${method} ${path}`,
        causeOf(error),
      );
    }
    if (response.status === 404 && method === 'GET') {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel();
      throw new CodedError(
        'DETECT.REGISTRY_UNREACHABLE',
        `${this.where} answered ${response.status} to ${method} ${path}`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw invalid(this.where, `answered ${response.status} to ${method} ${path}`);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) {
      await response.body?.cancel();
      throw invalid(this.where, `answered ${length} bytes to ${method} ${path} (at most ${MAX_ANSWER_BYTES})`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new CodedError('DETECT.REGISTRY_UNREACHABLE', `${this.where} broke off ${method} ${path}`, causeOf(error));
    }
    if (text.length > MAX_ANSWER_BYTES) throw invalid(this.where, `answered more than ${MAX_ANSWER_BYTES} bytes`);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw invalid(this.where, `answered ${method} ${path} with something that is not JSON`, causeOf(error));
    }
  }
}

function invalid(where: string, what: string, detail?: string): CodedError {
  return new CodedError('DETECT.REGISTRY_ANSWER_INVALID', `${where} ${what}`, detail);
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/** A packument reduced to what the policy reads; anything not of the npm format is DETECT.REGISTRY_ANSWER_INVALID. */
export function readPackument(name: string, document: unknown, where: string): PublishedPackage {
  if (!isObject(document) || document.name !== name || !isObject(document.versions)) {
    throw invalid(where, `answered a packument for ${name} without its name and versions`);
  }
  const versions: PublishedPackage['versions'] = {};
  for (const [version, manifest] of Object.entries(document.versions)) {
    if (!isObject(manifest) || version.length > 256)
      throw invalid(where, `${name}: version ${version.slice(0, 50)} is not a manifest`);
    const deprecated = manifest.deprecated;
    if (deprecated !== undefined && typeof deprecated !== 'string') {
      throw invalid(where, `${name}@${version}: deprecated is not a message`);
    }
    // An empty message is how npm un-deprecates a version.
    versions[version] = deprecated ? { deprecated: deprecated.slice(0, 300) } : {};
  }
  const tags = document['dist-tags'];
  const latest = isObject(tags) ? tags.latest : undefined;
  if (latest !== undefined && typeof latest !== 'string')
    throw invalid(where, `${name}: dist-tags.latest is not a version`);
  return { name, versions, ...(latest !== undefined ? { latest } : {}) };
}

/** The bulk advisory endpoint's answer: {"<name>": [{id, title, severity, url, vulnerable_versions}]}. */
export function readAdvisories(answer: unknown, where: string): Record<string, Advisory[]> {
  if (!isObject(answer)) throw invalid(where, 'answered advisories that are not an object of packages');
  const result: Record<string, Advisory[]> = {};
  for (const [name, list] of Object.entries(answer)) {
    if (!Array.isArray(list)) throw invalid(where, `advisories of ${name.slice(0, 100)} are not a list`);
    result[name] = list.map((entry, index) => {
      const field = (key: string) => (isObject(entry) ? entry[key] : undefined);
      const id = field('id');
      const range = field('vulnerable_versions');
      const title = field('title');
      const severity = field('severity');
      const url = field('url');
      if ((typeof id !== 'string' && typeof id !== 'number') || typeof range !== 'string' || range.length > 1000) {
        throw invalid(where, `advisory ${index} of ${name.slice(0, 100)} has no id or vulnerable_versions`);
      }
      return {
        id: String(id).slice(0, 100),
        title: typeof title === 'string' ? title.slice(0, 300) : '',
        severity: typeof severity === 'string' ? severity.slice(0, 20) : 'unknown',
        ...(typeof url === 'string' ? { url: url.slice(0, 500) } : {}),
        vulnerableVersions: range,
      };
    });
  }
  return result;
}
