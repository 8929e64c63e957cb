// Jest globalSetup of the integration and e2e suites: fails fast, naming what is down, unless the local stack is up and healthy.
import { ComponentStatus, isHealthy, stackComponents, stackConfig, stackStatus } from '@dco/stack';
import { waitFor, WaitTimeoutError } from '@dco/probes';

/** Grace for components that run but answer slowly (a loaded machine); stopped or missing ones fail at once. */
const UNHEALTHY_GRACE_MS = 20000;

export default async function requireStack(): Promise<void> {
  const configured = new Set(stackComponents(stackConfig()).map((component) => component.name));
  const notHealthy = async () =>
    (await stackStatus({ log: () => undefined })).filter((status) => configured.has(status.name) && !isHealthy(status));
  let down: ComponentStatus[] = await notHealthy();
  if (down.length > 0 && down.every((status) => status.state === 'unhealthy')) {
    try {
      await waitFor(async () => (down = await notHealthy()).length === 0, {
        timeoutMs: UNHEALTHY_GRACE_MS,
        intervalMs: 1000,
        description: 'the unhealthy stack components',
      });
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
    }
  }
  if (down.length > 0) {
    const lines = down.map(
      (status) =>
        `  ${status.name.padEnd(12)} ${status.state.padEnd(9)} ${status.address}${status.detail ? `  (${status.detail})` : ''}`,
    );
    throw new Error(
      [
        'STACK.NOT_READY: these integration tests need the real local stack, and part of it is not up:',
        ...lines,
        'Start it with `npm run stack:up` (logs in .stack/logs/), check it with `npm run stack:status`.',
      ].join('\n'),
    );
  }
}
