// Pure helpers shared by the sources: version parsing and the risk of moving from one version to another.
import { Risk } from '@dco/contracts';

/** The first dotted version (1.2 or 1.2.3) inside a text such as an AMI name "neo4j-5.26.19-2026-01". */
export function extractVersion(text: string | undefined): string | undefined {
  return text?.match(/(\d+\.\d+(?:\.\d+)?)/)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Major bump (or a downgrade, or unknown versions) = high, minor = medium, patch = low. */
export function versionRisk(from: string | undefined, to: string | undefined): Risk {
  const fromVersion = extractVersion(from);
  const toVersion = extractVersion(to);
  if (!fromVersion || !toVersion) return 'high';
  if (compareVersions(toVersion, fromVersion) < 0) return 'high';
  const [fromMajor, fromMinor] = fromVersion.split('.');
  const [toMajor, toMinor] = toVersion.split('.');
  if (fromMajor !== toMajor) return 'high';
  if (fromMinor !== toMinor) return 'medium';
  return 'low';
}
