// npm run docs:interfaces: rewrites the generated interface documents (see interface-docs.ts); with --check, only
// lists the stale ones and exits 1 when there are any.
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderInterfaceDocs } from './interface-docs';

const ROOT = join(__dirname, '..');
const current = (path: string) => {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
};

void renderInterfaceDocs().then((files) => {
  const stale = [...files].filter(([path, content]) => current(path) !== content);
  if (process.argv.includes('--check')) {
    for (const [path] of stale)
      console.log(`DOCS.STALE: ${path} differs from what the code generates (npm run docs:interfaces)`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [path, content] of stale) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
});
