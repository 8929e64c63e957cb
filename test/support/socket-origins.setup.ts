// Records where each TCP socket of the e2e process was opened (spec file, test and call stack), so that the global
// teardown can say who opened a socket that is still open after the last suite. The e2e level runs in band: every
// spec shares this process and Node's one `net` module, so the registry lives on net.Socket itself. Socket.connect is
// wrapped once; each spec file then names itself as the current one (its own `expect`: a finished file's globals are
// deleted), and once its tests are done, a later socket is put down to "after" that file.
import * as net from 'node:net';
import { CURRENT_SPEC, SOCKET_ORIGINS, SocketOrigin, SpecState, socketRecords as holder } from './socket-origins';

if (!holder[SOCKET_ORIGINS]) {
  const registry = new WeakMap<object, SocketOrigin>();
  holder[SOCKET_ORIGINS] = registry;
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function recordOrigin(this: net.Socket, ...args: unknown[]): net.Socket {
    if (!registry.has(this)) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = (new Error().stack ?? '').split('\n').slice(2);
      Error.stackTraceLimit = limit;
      const state = holder[CURRENT_SPEC]?.();
      registry.set(this, {
        spec: state?.testPath ?? '(before the first spec)',
        test: state?.currentTestName ?? '(outside a test: beforeAll, afterAll or a timer)',
        at: new Date().toISOString(),
        stack,
      });
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

holder[CURRENT_SPEC] = (): SpecState => expect.getState();
afterAll(() => {
  const { testPath } = expect.getState();
  holder[CURRENT_SPEC] = (): SpecState => ({
    testPath: `${testPath ?? '(unknown spec)'}, after its last test`,
    currentTestName: undefined,
  });
});
