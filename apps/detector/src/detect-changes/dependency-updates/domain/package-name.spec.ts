// Package names: what may reach a registry URL.
import { isPackageName, packumentPath, parsePackageName } from './package-name';

describe('package names', () => {
  it.each([
    ['kafkajs', true],
    ['@nestjs/core', true],
    ['lodash.merge', true],
    ['a-b_c~d', true],
    ['', false],
    ['Kafkajs', false],
    ['../etc/passwd', false],
    ['a/b', false],
    ['@scope/..', false],
    ['@scope/', false],
    ['name with space', false],
    ['name?x=1', false],
    ['%2e%2e', false],
    ['x'.repeat(215), false],
  ])('%j is a package name: %s', (name, valid) => {
    expect(isPackageName(name)).toBe(valid);
  });

  it('rejects a bad name with DETECT.PACKAGE_NAME_INVALID naming its origin', () => {
    expect(() => parsePackageName('../x', 'lockfile a.json')).toThrow(
      expect.objectContaining({
        code: 'DETECT.PACKAGE_NAME_INVALID',
        message: expect.stringContaining('lockfile a.json'),
      }),
    );
  });

  it('escapes the scope slash in the packument path', () => {
    expect(packumentPath('@nestjs/core')).toBe('/@nestjs%2fcore');
    expect(packumentPath('kafkajs')).toBe('/kafkajs');
  });
});
