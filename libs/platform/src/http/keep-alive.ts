// How long the services' HTTP servers keep an idle connection open. Node's default of 5 s is shorter than the idle
// timeout of the load balancers in front of them (an AWS ALB keeps 60 s) and close to the keep-alive of Node's own
// fetch: a request sent on a connection the server was closing just then failed with "other side closed" (an e2e of
// the orchestrator's API on a loaded host; behind an ALB it is a 502). The server now keeps a connection longer than
// its clients do, so that the client side always closes first.
import { Server } from 'node:http';

/** Longer than an ALB's 60 s idle timeout. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Sets the keep-alive and headers timeouts of `server` (the headers timeout must be the longer one). */
export function keepConnectionsAlive(server: Pick<Server, 'keepAliveTimeout' | 'headersTimeout'>): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
}
