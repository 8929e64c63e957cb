// The update policy for one installed package against what its registry publishes (ADR 0029). Pure: the registry's
// answers come in as data.
import { Risk } from '@dco/contracts';
import { SemVer, UpdateKind, compareSemVer, isPrerelease, parseSemVer, satisfies, updateKind } from './semver';

/** What a registry publishes for a package (its packument, reduced to what the policy reads). */
export interface PublishedPackage {
  name: string;
  /** Every published version; a version's `deprecated` message when the publisher deprecated it. */
  versions: Record<string, { deprecated?: string }>;
  /** dist-tags.latest: versions above it (next, canary) are not offered. */
  latest?: string;
}

/** A published security advisory of a package, as the bulk advisory endpoint returns it. */
export interface Advisory {
  id: string;
  title: string;
  severity: string;
  url?: string;
  /** The affected versions, a semver range ("<2.2.5", ">=1.0.0 <1.4.2 || >=2.0.0 <2.0.3"). */
  vulnerableVersions: string;
}

export interface DependencyUpdate {
  name: string;
  from: string;
  /** The version to move to, or "none" when nothing better is published (the finding still needs a person). */
  to: string;
  kind: UpdateKind;
  risk: Risk;
  /** A published advisory covers the installed version: apply at once, not in a quieter window. */
  urgent: boolean;
  /** The installed version is deprecated, or yanked (no longer published). */
  installed: 'published' | 'deprecated' | 'yanked';
  advisories: Advisory[];
  reason: string;
}

const KIND_RISK: Record<UpdateKind, Risk> = {
  none: 'low',
  patch: 'low',
  minor: 'medium',
  major: 'high',
  downgrade: 'high',
};

/** The advisories that cover `version`; an advisory whose range cannot be read counts (never silently dropped). */
export function advisoriesCovering(version: SemVer, advisories: Advisory[]): Advisory[] {
  return advisories.filter((advisory) => satisfies(version, advisory.vulnerableVersions) !== false);
}

/**
 * The update for `installed`, or undefined when it is current, published, not deprecated and not advised against.
 * Target: the highest newer release up to `latest` that is neither deprecated nor covered by an advisory, preferring one
 * within the installed major (patch and minor follow the normal path) and moving to a new major only when the installed
 * major has none; a major, a deprecated or a yanked installed version is high risk (approval), an advisory makes it urgent.
 * Undefined too when `installed` is not a semantic version (a git or file dependency: not the registry's).
 */
export function decideUpdate(
  installed: string,
  published: PublishedPackage,
  advisories: Advisory[],
): DependencyUpdate | undefined {
  const current = parseSemVer(installed);
  if (!current) return undefined;
  const state = !(installed in published.versions)
    ? 'yanked'
    : published.versions[installed].deprecated
      ? 'deprecated'
      : 'published';
  const covering = advisoriesCovering(current, advisories);
  const latest = published.latest === undefined ? undefined : parseSemVer(published.latest);
  const candidates = Object.entries(published.versions)
    .filter(([, manifest]) => !manifest.deprecated)
    .map(([version]) => parseSemVer(version))
    .filter((version): version is SemVer => version !== undefined && !isPrerelease(version))
    .filter((version) => compareSemVer(version, current) > 0)
    .filter((version) => !latest || compareSemVer(version, latest) <= 0)
    .filter((version) => advisories.every((advisory) => satisfies(version, advisory.vulnerableVersions) === false))
    .sort(compareSemVer);
  const withinMajor = candidates.filter((version) => ['patch', 'minor'].includes(updateKind(current, version)));
  const target = withinMajor.at(-1) ?? candidates.at(-1);
  if (!target && state === 'published' && covering.length === 0) return undefined;

  const kind = target ? updateKind(current, target) : 'none';
  const risk: Risk = state !== 'published' || !target ? 'high' : KIND_RISK[kind];
  const why = [
    ...covering.map((advisory) => `advisory ${advisory.id} (${advisory.severity}): ${advisory.title}`),
    ...(state === 'deprecated' ? [`${installed} is deprecated: ${published.versions[installed].deprecated}`] : []),
    ...(state === 'yanked' ? [`${installed} is no longer published`] : []),
    ...(target ? [] : ['no newer release without an advisory is published']),
  ];
  return {
    name: published.name,
    from: installed,
    to: target?.raw ?? 'none',
    kind,
    risk,
    urgent: covering.length > 0,
    installed: state,
    advisories: covering,
    reason: [`${published.name} ${installed} -> ${target?.raw ?? 'none'} (${kind})`, ...why].join('; '),
  };
}
