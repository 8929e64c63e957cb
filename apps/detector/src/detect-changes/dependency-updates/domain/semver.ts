// Semantic versions as npm uses them: parse, order (semver.org section 11), classify an update and test an advisory's
// range. Pure; the project adds no npm dependency for it (node_modules is shared), and only what registries send is needed.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers ("beta.2" -> ["beta", "2"]); empty for a release. */
  prerelease: string[];
  raw: string;
}

const VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The version, or undefined when the text is not a full semantic version (1.2 and ranges are not). */
export function parseSemVer(text: string): SemVer | undefined {
  if (text.length > 256) return undefined;
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number);
  if (![major, minor, patch].every(Number.isSafeInteger)) return undefined;
  return { major, minor, patch, prerelease: match[4] ? match[4].split('.') : [], raw: text.trim() };
}

export function isPrerelease(version: SemVer): boolean {
  return version.prerelease.length > 0;
}

function compareIdentifiers(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return Math.sign(Number(a) - Number(b));
  if (numericA) return -1; // numeric identifiers have lower precedence than alphanumeric ones
  if (numericB) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** -1, 0 or 1 by precedence: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0; build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return Math.sign(a[key] - b[key]);
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let index = 0; index < Math.max(a.prerelease.length, b.prerelease.length); index++) {
    if (a.prerelease[index] === undefined) return -1;
    if (b.prerelease[index] === undefined) return 1;
    const order = compareIdentifiers(a.prerelease[index], b.prerelease[index]);
    if (order !== 0) return order;
  }
  return 0;
}

export type UpdateKind = 'none' | 'patch' | 'minor' | 'major' | 'downgrade';

/**
 * What moving from `from` to `to` is. Below 1.0.0 npm's caret treats the first non-zero part as the major one
 * (0.3 -> 0.4 breaks), and so does this.
 */
export function updateKind(from: SemVer, to: SemVer): UpdateKind {
  const order = compareSemVer(to, from);
  if (order === 0) return 'none';
  if (order < 0) return 'downgrade';
  if (to.major !== from.major) return 'major';
  if (from.major === 0 && to.minor !== from.minor) return 'major';
  if (to.minor !== from.minor) return 'minor';
  if (from.major === 0 && from.minor === 0 && to.patch !== from.patch) return 'major';
  return 'patch';
}

type Comparator = { operator: '<' | '<=' | '>' | '>=' | '='; version: SemVer };

/** One comparator set ("&gt;=1.0.0 &lt;1.4.2", "1.2.3 - 1.4.0", "*"); undefined when it uses syntax not read here. */
function parseComparatorSet(text: string): Comparator[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '*' || trimmed === 'x') return [];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(trimmed);
  if (hyphen) {
    const low = parseSemVer(hyphen[1]);
    const high = parseSemVer(hyphen[2]);
    return low && high
      ? [
          { operator: '>=', version: low },
          { operator: '<=', version: high },
        ]
      : undefined;
  }
  const comparators: Comparator[] = [];
  for (const token of trimmed.replace(/([<>=]+)\s+/g, '$1').split(/\s+/)) {
    const match = /^(<=|>=|<|>|=)?(.+)$/.exec(token);
    const version = match ? parseSemVer(match[2]) : undefined;
    if (!match || !version) return undefined;
    comparators.push({ operator: (match[1] as Comparator['operator'] | undefined) ?? '=', version });
  }
  return comparators;
}

function holds(comparator: Comparator, version: SemVer): boolean {
  const order = compareSemVer(version, comparator.version);
  switch (comparator.operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

/**
 * Whether `version` is in `range` as advisories write them: comparator sets joined by "||", each of &lt; &lt;= &gt; &gt;= =
 * comparators, a bare version, a hyphen range or "*". Undefined when the range uses other syntax (^, ~, x-ranges): the
 * caller decides what an unreadable range means rather than this guessing.
 */
export function satisfies(version: SemVer, range: string): boolean | undefined {
  if (range.length > 1000) return undefined;
  let unreadable = false;
  for (const set of range.split('||')) {
    const comparators = parseComparatorSet(set);
    if (!comparators) {
      unreadable = true;
      continue;
    }
    if (comparators.every((comparator) => holds(comparator, version))) return true;
  }
  return unreadable ? undefined : false;
}
