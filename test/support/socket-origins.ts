// Where an e2e socket was opened: written by socket-origins.setup.ts, read by the open-handles teardown.
import * as net from 'node:net';

export const SOCKET_ORIGINS = Symbol.for('dco.e2e.socketOrigins');
export const CURRENT_SPEC = Symbol.for('dco.e2e.currentSpec');

export interface SpecState {
  testPath?: string;
  currentTestName?: string;
}

export interface SocketOrigin {
  spec: string;
  test: string;
  at: string;
  /** The call stack of Socket.connect, innermost first, without the recorder's own frame. */
  stack: string[];
}

export function socketOrigin(socket: unknown): SocketOrigin | undefined {
  const registry = (net.Socket as unknown as Record<symbol, WeakMap<object, SocketOrigin> | undefined>)[SOCKET_ORIGINS];
  return socket && typeof socket === 'object' ? registry?.get(socket) : undefined;
}

/** The frames worth reading: the project's own and the client library's, without Node internals. */
export function describeOrigin(origin: SocketOrigin, frames = 8): string[] {
  const useful = origin.stack.map((line) => line.trim()).filter((line) => line.startsWith('at ') && !line.includes('(node:') && !line.startsWith('at node:'));
  return [`opened ${origin.at} by ${origin.spec.replace(`${process.cwd()}/`, '')} › ${origin.test}`, ...useful.slice(0, frames).map((line) => `  ${line}`)];
}
