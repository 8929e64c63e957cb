// Records where each TCP socket of the e2e process was opened (spec file, test and call stack), so that the global
// teardown can say who opened a socket that is still open after the last suite. The e2e level runs in band: every
// spec shares this process and Node's one `net` module, so the registry lives on net.Socket itself.
import * as net from 'node:net';
import { SOCKET_ORIGINS, SocketOrigin } from './socket-origins';

type Registry = WeakMap<net.Socket, SocketOrigin>;
const holder = net.Socket as unknown as Record<symbol, Registry | undefined>;

if (!holder[SOCKET_ORIGINS]) {
  const registry: Registry = new WeakMap();
  holder[SOCKET_ORIGINS] = registry;
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function recordOrigin(this: net.Socket, ...args: unknown[]): net.Socket {
    if (!registry.has(this)) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = (new Error().stack ?? '').split('\n').slice(2);
      Error.stackTraceLimit = limit;
      const state = (globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }).expect?.getState();
      registry.set(this, {
        spec: state?.testPath ?? '(outside a spec)',
        test: state?.currentTestName ?? '(outside a test: beforeAll, afterAll or a timer)',
        at: new Date().toISOString(),
        stack,
      });
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
}
