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

/**
 * What the recorder keeps on net.Socket itself, the one object every spec file and the teardown share (Symbol.for keys
 * are the same in every jest context): the origins by socket, and how to ask the current spec file for its state.
 */
export const socketRecords = net.Socket as unknown as {
  [SOCKET_ORIGINS]?: WeakMap<object, SocketOrigin>;
  [CURRENT_SPEC]?: () => SpecState;
};

export function socketOrigin(socket: unknown): SocketOrigin | undefined {
  return socket && typeof socket === 'object' ? socketRecords[SOCKET_ORIGINS]?.get(socket) : undefined;
}

/**
 * The frames worth reading: the first few (which client call connected), then every async caller and every frame of the
 * project's own code, without Node internals; a kafkajs socket's first frames are all the library's.
 */
export function describeOrigin(origin: SocketOrigin, first = 4, limit = 24): string[] {
  const useful = origin.stack
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') && !line.includes('(node:') && !line.startsWith('at node:'));
  const callers = useful
    .slice(first)
    .filter((line) => line.startsWith('at async ') || !line.includes('/node_modules/'));
  return [
    `opened ${origin.at} by ${origin.spec.replace(`${process.cwd()}/`, '')} › ${origin.test}`,
    ...[...useful.slice(0, first), ...callers].slice(0, limit).map((line) => `  ${line}`),
  ];
}
