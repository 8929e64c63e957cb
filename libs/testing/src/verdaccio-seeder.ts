// Seeds the stack's Verdaccio as a publisher would, through npm's HTTP API: a registered user publishes versions
// (PUT /<name> with the tarball attached, what `npm publish` sends), deprecates them (PUT /<name>/-rev/<rev>, what
// `npm deprecate` sends) and publishes the advisory feed package (ADR 0029). Int-specs and the day scenarios only.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startComponent } from '@dco/stack';

/** An advisory as the seeder publishes it in the feed (the bulk advisory endpoint's entry, range in npm syntax). */
export interface SeededAdvisory {
  id: string;
  title: string;
  severity: string;
  url?: string;
  vulnerableVersions: string;
}

/** npm's packument path: a scope's slash escaped. */
const packumentPath = (name: string) => `/${name.replace('/', '%2f')}`;

/** The stack's Verdaccio (started through the stack's own code when it is not running yet). */
export async function stackVerdaccioUrl(): Promise<string> {
  const status = await startComponent('verdaccio', { log: () => undefined });
  return status.address;
}

/** A one-file npm tarball (package/package.json), as `npm pack` lays it out. */
export function packageTarball(manifest: object): Buffer {
  const content = Buffer.from(JSON.stringify(manifest, null, 2));
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text, offset, length, 'ascii');
  put('package/package.json', 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  put(
    `${Math.floor(Date.UTC(1985, 9, 26) / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    12,
  );
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  put(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return gzipSync(Buffer.concat([header, content, padding, Buffer.alloc(1024)]));
}

export class VerdaccioSeeder {
  private token?: string;
  private readonly advised: Record<string, object[]> = {};
  private feedVersion = 0;

  /** `advisoryFeed`: the feed package advise() publishes to (one per spec: a shared registry keeps every run's). */
  constructor(
    readonly url: string,
    readonly advisoryFeed = `dco-advisory-feed-${randomBytes(4).toString('hex')}`,
  ) {}

  /** Registers a throw-away user (htpasswd) and keeps its token, as `npm adduser` does. */
  private async auth(): Promise<string> {
    if (this.token) return this.token;
    const name = `seeder-${randomBytes(4).toString('hex')}`;
    const response = await fetch(`${this.url}/-/user/org.couchdb.user:${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password: randomBytes(12).toString('hex'), type: 'user', roles: [] }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token) throw new Error(`verdaccio refused the user ${name}: ${response.status}`);
    return (this.token = body.token);
  }

  async publish(name: string, version: string, extra: Record<string, unknown> = {}): Promise<void> {
    const manifest = { name, version, description: `seeded ${name}`, ...extra };
    const tarball = packageTarball(manifest);
    const file = `${name.split('/').at(-1)}-${version}.tgz`;
    const body = {
      _id: name,
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...manifest,
          _id: `${name}@${version}`,
          dist: {
            shasum: createHash('sha1').update(tarball).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
            tarball: `${this.url}/${name}/-/${file}`,
          },
        },
      },
      _attachments: {
        [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length },
      },
    };
    await this.send('PUT', packumentPath(name), body, `publish ${name}@${version}`);
  }

  async deprecate(name: string, version: string, message: string): Promise<void> {
    const response = await fetch(`${this.url}${packumentPath(name)}?write=true`, {
      headers: { accept: 'application/json', authorization: `Bearer ${await this.auth()}` },
    });
    if (!response.ok) throw new Error(`verdaccio: GET ${name} answered ${response.status}`);
    const packument = (await response.json()) as { _rev: string; versions: Record<string, Record<string, unknown>> };
    packument.versions[version].deprecated = message;
    await this.send('PUT', `${packumentPath(name)}/-rev/${packument._rev}`, packument, `deprecate ${name}@${version}`);
  }

  /** Publishes the next version of the feed, whose `advisories` holds every advisory given so far. */
  async advise(name: string, advisory: SeededAdvisory): Promise<void> {
    const { vulnerableVersions, ...rest } = advisory;
    this.advised[name] = [...(this.advised[name] ?? []), { ...rest, vulnerable_versions: vulnerableVersions }];
    this.feedVersion += 1;
    await this.publish(this.advisoryFeed, `1.0.${this.feedVersion}`, { advisories: this.advised });
  }

  private async send(method: string, path: string, body: unknown, what: string): Promise<void> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.auth()}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`verdaccio refused to ${what}: ${response.status} ${text.slice(0, 300)}`);
  }
}
