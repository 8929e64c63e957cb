// CLI of the local stack: `npm run stack:up|down|status` (and `restart <component>`), one line per component.
import { ComponentStatus } from './components/stack-component';
import { isStackHealthy, restartComponent, stackDown, stackStatus, stackUp } from './stack-controller';
import { StackError } from './stack-error';

function line(status: ComponentStatus, startedMs?: number): string {
  const pid = status.pid ? `pid ${status.pid}` : '';
  const note = status.reused
    ? status.pid
      ? 'already running'
      : (status.detail ?? 'already running')
    : startedMs !== undefined && status.state === 'running'
      ? `ready in ${(startedMs / 1000).toFixed(1)}s`
      : (status.detail ?? '');
  return `${status.name.padEnd(12)} ${status.state.padEnd(9)} ${status.address}${pid ? `  ${pid}` : ''}${note ? `  (${note})` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const started = Date.now();
  switch (command) {
    case 'up': {
      await stackUp({ only: rest, onReady: (status) => console.log(line(status, Date.now() - started)) });
      console.log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return 0;
    }
    case 'down': {
      const stopped = await stackDown();
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      const statuses = await stackStatus();
      if (rest.includes('--json')) console.log(JSON.stringify(statuses, null, 2));
      else for (const status of statuses) console.log(line(status));
      return isStackHealthy(statuses) ? 0 : 1;
    }
    case 'restart': {
      if (rest.length === 0) throw new StackError('STACK.UNKNOWN_COMPONENT', 'usage: stack restart <component>');
      for (const name of rest) console.log(line(await restartComponent(name), Date.now() - started));
      return 0;
    }
    default:
      console.error(
        'usage: node -r ./tools/register.js stack/stack.ts up [component...] | down | status [--json] | restart <component...>',
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StackError) {
      console.error(`${error.code}: ${error.message}`);
      if (error.detail) console.error(`--- last lines of ${error.logFile ?? 'the log'} ---\n${error.detail}`);
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exit(1);
  },
);
