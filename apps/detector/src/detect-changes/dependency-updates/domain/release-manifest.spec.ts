// The release manifest's dependency fields: lockfile and builds, and what is refused.
import { parseReleaseManifest, runningBuild } from './release-manifest';

const manifest = (services: object) => JSON.stringify({ services });

describe('parseReleaseManifest', () => {
  it('reads image, lockfile and builds', () => {
    const releases = parseReleaseManifest(
      manifest({
        'dco-runner': {
          image: 'dco-autopilot/dco-runner:0.1.0',
          lockfile: 'lockfiles/dco-runner.package-lock.json',
          builds: {
            'kafkajs@2.2.5': 'dco-autopilot/dco-runner:0.1.1',
            '@nestjs/core@11.1.7': 'dco-autopilot/dco-runner:0.1.2',
          },
        },
        scheduler: { image: 'dco-autopilot/scheduler:0.1.0' },
      }),
      'm',
    );
    expect(releases['dco-runner']).toEqual({
      image: 'dco-autopilot/dco-runner:0.1.0',
      lockfile: 'lockfiles/dco-runner.package-lock.json',
      builds: {
        'kafkajs@2.2.5': 'dco-autopilot/dco-runner:0.1.1',
        '@nestjs/core@11.1.7': 'dco-autopilot/dco-runner:0.1.2',
      },
    });
    expect(releases.scheduler).toEqual({ image: 'dco-autopilot/scheduler:0.1.0', builds: {} });
    expect(runningBuild(releases['dco-runner'], 'dco-autopilot/dco-runner:0.1.2')).toEqual(['@nestjs/core', '11.1.7']);
    expect(runningBuild(releases['dco-runner'], 'dco-autopilot/dco-runner:0.1.0')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['no services', '{}'],
    ['a lockfile outside the folder', manifest({ a: { image: 'r/a:1', lockfile: '../../etc/passwd' } })],
    ['an absolute lockfile', manifest({ a: { image: 'r/a:1', lockfile: '/etc/passwd' } })],
    ['a build key without a version', manifest({ a: { image: 'r/a:1', builds: { kafkajs: 'r/a:2' } } })],
    ['a build key with a bad name', manifest({ a: { image: 'r/a:1', builds: { 'Bad Name@1.0.0': 'r/a:2' } } })],
    ['a build that is not an image', manifest({ a: { image: 'r/a:1', builds: { 'kafkajs@2.2.5': 'r/a:2; rm -rf' } } })],
    ['a bad service name', manifest({ '../x': { image: 'r/a:1' } })],
  ])('rejects %s with DETECT.MANIFEST_INVALID', (_, text) => {
    expect(() => parseReleaseManifest(text, 'm')).toThrow(expect.objectContaining({ code: 'DETECT.MANIFEST_INVALID' }));
  });
});
