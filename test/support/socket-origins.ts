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

/**
 * The frames worth reading: the first few (which client call connected), then every async caller and every frame of the
 * project's own code, without Node internals; a kafkajs socket's first frames are all the library's.
 */
export function describeOrigin(origin: SocketOrigin, first = 4, limit = 24): string[] {
  const useful = origin.stack.map((line) => line.trim()).filter((line) => line.startsWith('at ') && !line.includes('(node:') && !line.startsWith('at node:'));
  const callers = useful.slice(first).filter((line) => line.startsWith('at async ') || !line.includes('/node_modules/'));
  return [`opened ${origin.at} by ${origin.spec.replace(`${process.cwd()}/`, '')} › ${origin.test}`, ...[...useful.slice(0, first), ...callers].slice(0, limit).map((line) => `  ${line}`)];
}
