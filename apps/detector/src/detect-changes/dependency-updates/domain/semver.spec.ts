// Semantic versions: parsing, precedence, update kinds and advisory ranges, as rows.
import { compareSemVer, parseSemVer, satisfies, SemVer, updateKind } from './semver';

const v = (text: string): SemVer => {
  const parsed = parseSemVer(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('parseSemVer', () => {
  it.each([
    ['1.2.3', { major: 1, minor: 2, patch: 3, prerelease: [] }],
    ['v0.0.1', { major: 0, minor: 0, patch: 1, prerelease: [] }],
    ['2.0.0-beta.2+build.7', { major: 2, minor: 0, patch: 0, prerelease: ['beta', '2'] }],
  ])('reads %s', (text, expected) => {
    expect(parseSemVer(text)).toMatchObject(expected);
  });

  it.each(['1.2', '01.2.3', '1.2.3-', '^1.2.3', 'latest', 'git+ssh://x', '1.2.3.4', ''])('refuses %j', (text) => {
    expect(parseSemVer(text)).toBeUndefined();
  });
});

describe('compareSemVer', () => {
  it.each([
    ['1.0.0', '2.0.0', -1],
    ['2.1.0', '2.0.9', 1],
    ['1.0.10', '1.0.9', 1],
    ['1.0.0-alpha', '1.0.0', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-rc.1', '1.0.0-beta.11', 1],
    ['1.0.0+a', '1.0.0+b', 0],
  ])('%s vs %s = %d', (a, b, expected) => {
    expect(compareSemVer(v(a), v(b))).toBe(expected);
  });
});

describe('updateKind', () => {
  it.each([
    ['2.2.4', '2.2.4', 'none'],
    ['2.2.4', '2.2.5', 'patch'],
    ['2.2.4', '2.3.0', 'minor'],
    ['2.2.4', '3.0.0', 'major'],
    ['2.2.4', '2.2.3', 'downgrade'],
    ['0.3.1', '0.3.2', 'patch'],
    ['0.3.1', '0.4.0', 'major'],
    ['0.0.1', '0.0.2', 'major'],
    ['1.0.0-rc.1', '1.0.0', 'patch'],
  ])('%s -> %s is %s', (from, to, expected) => {
    expect(updateKind(v(from), v(to))).toBe(expected);
  });
});

describe('satisfies (advisory ranges)', () => {
  it.each([
    ['2.2.4', '<2.2.5', true],
    ['2.2.5', '<2.2.5', false],
    ['1.4.1', '>=1.0.0 <1.4.2 || >=2.0.0 <2.0.3', true],
    ['2.0.3', '>=1.0.0 <1.4.2 || >=2.0.0 <2.0.3', false],
    ['2.0.1', '>= 2.0.0 < 2.0.3', true],
    ['1.5.0', '1.2.0 - 1.5.0', true],
    ['1.5.1', '1.2.0 - 1.5.0', false],
    ['3.0.0', '*', true],
    ['1.2.3', '=1.2.3', true],
    ['1.2.3', '1.2.3', true],
    ['1.2.4', '<=1.2.3', false],
    ['1.2.4', '>1.2.3', true],
  ])('%s in %j: %s', (version, range, expected) => {
    expect(satisfies(v(version), range)).toBe(expected);
  });

  it.each(['^1.2.0', '~1.2.0', '1.x', '>=abc'])('cannot read %j (undefined, never a guess)', (range) => {
    expect(satisfies(v('1.2.3'), range)).toBeUndefined();
  });

  it('is true when one readable set matches beside an unreadable one', () => {
    expect(satisfies(v('1.0.0'), '^2.0.0 || <1.1.0')).toBe(true);
  });
});
