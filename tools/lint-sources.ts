// Lints source strings as if they were files of the repository, with its eslint.config.mjs, and prints the messages
// as JSON: stdin [{ filePath, source }], stdout [[{ ruleId, message }]]. Its own process because ESLint loads the
// config with a dynamic import(), which jest's module sandbox refuses (tools/lint-boundaries.spec.ts uses this).
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceToLint {
  filePath: string;
  source: string;
}

export interface LintMessage {
  ruleId: string | null;
  message: string;
}

async function lintSources(sources: SourceToLint[]): Promise<LintMessage[][]> {
  const root = join(__dirname, '..');
  const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.mjs') });
  const results: LintMessage[][] = [];
  for (const { filePath, source } of sources) {
    const [result] = await eslint.lintText(source, { filePath: join(root, filePath) });
    results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
  }
  return results;
}

if (require.main === module) {
  void lintSources(JSON.parse(readFileSync(0, 'utf8')) as SourceToLint[]).then((results) =>
    console.log(JSON.stringify(results)),
  );
}
