// The update policy as rows: Given what the registry publishes, When the installed version is compared, Then the update.
import { Advisory, PublishedPackage, decideUpdate } from './update-policy';

function published(versions: string[], options: { deprecated?: Record<string, string>; latest?: string } = {}) {
  return {
    name: 'kafkajs',
    versions: Object.fromEntries(
      versions.map((version) => [
        version,
        options.deprecated?.[version] ? { deprecated: options.deprecated[version] } : {},
      ]),
    ),
    latest: options.latest ?? versions.at(-1),
  } satisfies PublishedPackage;
}

const advisory = (vulnerableVersions: string, id = 'GHSA-1'): Advisory => ({
  id,
  title: 'prototype pollution',
  severity: 'high',
  vulnerableVersions,
});

describe('decideUpdate', () => {
  it.each([
    {
      given: 'a newer patch',
      registry: published(['2.2.3', '2.2.4', '2.2.5']),
      advisories: [],
      then: { to: '2.2.5', kind: 'patch', risk: 'low', urgent: false, installed: 'published' },
    },
    {
      given: 'a newer minor',
      registry: published(['2.2.4', '2.3.0']),
      advisories: [],
      then: { to: '2.3.0', kind: 'minor', risk: 'medium', urgent: false },
    },
    {
      given: 'only a new major',
      registry: published(['2.2.4', '3.0.0']),
      advisories: [],
      then: { to: '3.0.0', kind: 'major', risk: 'high', urgent: false },
    },
    {
      given: 'a minor and a major: the minor first, without approval',
      registry: published(['2.2.4', '2.3.1', '3.1.0']),
      advisories: [],
      then: { to: '2.3.1', kind: 'minor', risk: 'medium' },
    },
    {
      given: 'a newer version above latest (a next tag) only',
      registry: published(['2.2.4', '2.3.0-beta.1', '2.4.0'], { latest: '2.2.4' }),
      advisories: [],
      then: undefined,
    },
    {
      given: 'a newer pre-release only',
      registry: published(['2.2.4', '2.3.0-beta.1'], { latest: '2.3.0-beta.1' }),
      advisories: [],
      then: undefined,
    },
    {
      given: 'the installed version deprecated and a patch published',
      registry: published(['2.2.4', '2.2.5'], { deprecated: { '2.2.4': 'broken, use 2.2.5' } }),
      advisories: [],
      then: { to: '2.2.5', kind: 'patch', risk: 'high', installed: 'deprecated' },
    },
    {
      given: 'the installed version deprecated and nothing newer',
      registry: published(['2.2.4'], { deprecated: { '2.2.4': 'unmaintained' } }),
      advisories: [],
      then: { to: 'none', kind: 'none', risk: 'high', installed: 'deprecated' },
    },
    {
      given: 'the installed version yanked (unpublished)',
      registry: published(['2.2.3', '2.2.5']),
      advisories: [],
      then: { to: '2.2.5', risk: 'high', installed: 'yanked' },
    },
    {
      given: 'a newer patch that is itself deprecated',
      registry: published(['2.2.4', '2.2.5'], { deprecated: { '2.2.5': 'bad release' } }),
      advisories: [],
      then: undefined,
    },
    {
      given: 'an advisory on the installed version, fixed in a patch',
      registry: published(['2.2.4', '2.2.5']),
      advisories: [advisory('<2.2.5')],
      then: { to: '2.2.5', kind: 'patch', risk: 'low', urgent: true },
    },
    {
      given: 'an advisory that also covers the newest patch: the fixed minor',
      registry: published(['2.2.4', '2.2.5', '2.3.0']),
      advisories: [advisory('<2.3.0')],
      then: { to: '2.3.0', kind: 'minor', urgent: true },
    },
    {
      given: 'an advisory fixed only in a new major',
      registry: published(['2.2.4', '2.2.5', '3.0.0']),
      advisories: [advisory('<3.0.0')],
      then: { to: '3.0.0', kind: 'major', risk: 'high', urgent: true },
    },
    {
      given: 'an advisory without a fix',
      registry: published(['2.2.4']),
      advisories: [advisory('*')],
      then: { to: 'none', risk: 'high', urgent: true },
    },
    {
      given: 'an advisory for other versions only',
      registry: published(['2.2.4']),
      advisories: [advisory('<2.0.0')],
      then: undefined,
    },
    {
      given: 'an advisory whose range cannot be read: it counts',
      registry: published(['2.2.4']),
      advisories: [advisory('^2.0.0')],
      then: { to: 'none', urgent: true },
    },
    {
      given: 'the current version, published and clean',
      registry: published(['2.2.3', '2.2.4']),
      advisories: [],
      then: undefined,
    },
  ])('Given $given, Then $then', ({ registry, advisories, then }) => {
    const update = decideUpdate('2.2.4', registry, advisories);
    if (then === undefined) expect(update).toBeUndefined();
    else expect(update).toMatchObject({ name: 'kafkajs', from: '2.2.4', ...then });
  });

  it('names the advisory and the deprecation in the reason', () => {
    const update = decideUpdate('2.2.4', published(['2.2.4', '2.2.5'], { deprecated: { '2.2.4': 'use 2.2.5' } }), [
      advisory('<2.2.5', 'GHSA-abcd'),
    ]);
    expect(update?.reason).toBe(
      'kafkajs 2.2.4 -> 2.2.5 (patch); advisory GHSA-abcd (high): prototype pollution; 2.2.4 is deprecated: use 2.2.5',
    );
    expect(update?.advisories.map((found) => found.id)).toEqual(['GHSA-abcd']);
  });

  it('leaves a version that is not semantic (a git dependency) alone', () => {
    expect(decideUpdate('github:org/repo#abc', published(['1.0.0']), [])).toBeUndefined();
  });
});
