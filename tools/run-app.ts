// npm run app -- <name>: starts one service's main.ts in this process (name validated against the known apps).
import { join } from 'node:path';

const APPS = ['scheduler', 'orchestrator', 'detector', 'infra-deployer', 'db-migrator', 'dco-runner'];
const name = process.argv[2];
if (!name || !APPS.includes(name)) {
  console.error(`CLI.UNKNOWN_APP: expected one of ${APPS.join(', ')}, got "${name ?? ''}"`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(__dirname, '..', 'apps', name, 'src', 'main.ts'));
