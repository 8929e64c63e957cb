// Jest globalTeardown of the e2e suites (which run in band, so the specs' sockets and child processes live in this
// process): names every TCP socket, server and child process still open once all suites have finished. The config's
// forceExit ends the run regardless; this makes a leak visible in the CI log instead of silently masked, with the spec,
// test and call stack that opened each leaked socket.
import { describeOrigin, socketOrigin } from './socket-origins';

const LEAK_KINDS = new Set(['TCPSocketWrap', 'TCPServerWrap', 'TCPWrap', 'ProcessWrap', 'PipeServerWrap']);

export default async function reportOpenHandles(): Promise<void> {
  // Jest calls this without yielding to the event loop after the last spec, so handles closed by that spec have not
  // been released yet (an exited child process still counts); one turn of the loop lets libuv finish closing them.
  await new Promise((resolve) => setImmediate(resolve));
  const leaked = process.getActiveResourcesInfo().filter((kind) => LEAK_KINDS.has(kind));
  if (leaked.length === 0) return;
  const counts = new Map<string, number>();
  for (const kind of leaked) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const summary = [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ');
  process.stderr.write(
    `\nE2E.OPEN_HANDLES: still open after every e2e suite finished: ${summary}. A client, server or child process was not closed.\n`,
  );
  // Which peer or command each one is (Node's handle list is undocumented, so only read what is there).
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  for (const handle of handles) {
    const socket = handle as { remoteAddress?: string; remotePort?: number; localPort?: number };
    const child = handle as { spawnargs?: string[]; pid?: number };
    if (socket.remotePort !== undefined) {
      process.stderr.write(
        `  socket to ${socket.remoteAddress}:${socket.remotePort} (local port ${socket.localPort})\n`,
      );
      // Where it was opened (socket-origins.setup.ts): the spec, the test and the call stack.
      const origin = socketOrigin(handle);
      for (const line of origin
        ? describeOrigin(origin)
        : [
            'not opened by Socket.connect in a spec: an accepted connection, or one opened before the recorder was installed',
          ])
        process.stderr.write(`    ${line}\n`);
    } else if (child.spawnargs)
      process.stderr.write(`  child process ${child.pid}: ${child.spawnargs.join(' ').slice(0, 200)}\n`);
  }
}
