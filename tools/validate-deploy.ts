// npm run test:static: validates docker-compose.yml, k8s/ and the Dockerfile against their schemas and the code.
import { join } from 'node:path';
import { validateRepository } from './deploy-validation';

const problems = validateRepository(join(__dirname, '..'));
if (problems.length) {
  console.error(`DEPLOY.INVALID: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log('docker-compose.yml, k8s/ and Dockerfile are valid and in step with the apps');
