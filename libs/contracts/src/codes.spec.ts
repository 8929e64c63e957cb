// The one registry holds every code: scans the sources for codes thrown, returned or matched on and names any unregistered one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ERROR_CODES } from './codes';

const CODE = String.raw`[A-Z][A-Z0-9]*\.[A-Z][A-Z0-9_]*`;
const QUOTE = '[\'"`]';

/** Where a string literal is a code: an error's first argument, a `code` value or comparison, a saga rejection, a message's prefix. */
const CODE_POSITIONS = [
  String.raw`new \w*Error\(\s*${QUOTE}(${CODE})${QUOTE}`,
  String.raw`\bcode\??\s*(?::|===?|!==?)\s*${QUOTE}(${CODE})${QUOTE}`,
  String.raw`\bcode\)\.toBe\(\s*${QUOTE}(${CODE})${QUOTE}`,
  String.raw`\b(?:reject|rejection)\(\s*${QUOTE}(${CODE})${QUOTE}`,
  String.raw`${QUOTE}(${CODE}): `,
].map((pattern) => new RegExp(pattern, 'g'));

export function codeLiterals(source: string): string[] {
  return CODE_POSITIONS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

const ROOT = resolve(__dirname, '../../..');
const SCANNED = ['apps', 'libs', 'stack', 'tools', 'bench', 'test'];
const SKIPPED = new Set(['node_modules', 'dist', '.stack']);
/** Specs use this one to show that an unknown code is refused. */
const UNKNOWN_ON_PURPOSE = new Set(['X.Y']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && path !== __filename ? [path] : [];
  });
}

describe('the code registry', () => {
  it('finds codes in every position a code is used', () => {
    const source = [
      `throw new CodedError('AREA.THROWN', 'x');`,
      `throw new CliError(\n  'AREA.WRAPPED_LINE', 'x');`,
      `return { code: 'AREA.RETURNED', message };`,
      `if (error.code === 'AREA.COMPARED') retry();`,
      `expect(error.code).toBe('AREA.EXPECTED');`,
      `return reject('AREA.REJECTED', 'x');`,
      'console.error(`AREA.PRINTED: ${problem}`);',
      `const label = 'Not.A code'; const file = 'run-id.ts';`,
    ].join('\n');
    expect(codeLiterals(source)).toEqual(
      expect.arrayContaining([
        'AREA.THROWN',
        'AREA.WRAPPED_LINE',
        'AREA.RETURNED',
        'AREA.COMPARED',
        'AREA.EXPECTED',
        'AREA.REJECTED',
        'AREA.PRINTED',
      ]),
    );
    expect(codeLiterals(source)).toHaveLength(7);
  });

  it('lists every code the sources use', () => {
    const registered = new Set<string>([...ERROR_CODES, ...UNKNOWN_ON_PURPOSE]);
    const unregistered = SCANNED.flatMap((top) => sourceFiles(join(ROOT, top))).flatMap((file) =>
      codeLiterals(readFileSync(file, 'utf8'))
        .filter((code) => !registered.has(code))
        .map((code) => `${code} in ${relative(ROOT, file)}`),
    );
    expect([...new Set(unregistered)]).toEqual([]);
  });

  it('lists each code once', () => {
    expect(ERROR_CODES.filter((code, index) => ERROR_CODES.indexOf(code) !== index)).toEqual([]);
  });
});
