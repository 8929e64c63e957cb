// Jest globalSetup of the integration and e2e suites: fails fast, naming what is down, unless the local stack is up and healthy.
import { stackConfig } from '../../stack/stack-config';
import { isHealthy, stackComponents, stackStatus } from '../../stack/stack-controller';

export default async function requireStack(): Promise<void> {
  const started = Date.now();
  const statuses = await stackStatus({ log: () => undefined });
  const configured = new Set(stackComponents(stackConfig()).map((component) => component.name));
  const down = statuses.filter((status) => configured.has(status.name) && !isHealthy(status));
  if (down.length > 0) {
    const lines = down.map((status) => `  ${status.name.padEnd(12)} ${status.state.padEnd(9)} ${status.address}${status.detail ? `  (${status.detail})` : ''}`);
    throw new Error(
      [
        'STACK.NOT_READY: these integration tests need the real local stack, and part of it is not up:',
        ...lines,
        'Start it with `npm run stack:up` (logs in .stack/logs/), check it with `npm run stack:status`.',
      ].join('\n'),
    );
  }
  if (Date.now() - started > 5000) process.stderr.write(`local stack check took ${Date.now() - started} ms\n`);
}
