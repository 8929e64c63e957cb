// Serves the operator dashboard (static page + script: public, they hold no data), its JSON snapshot and the server-sent
// event stream of changes (a viewer credential or the session cookie of POST /api/session).
import { BeforeApplicationShutdown, Controller, Get, Inject, MessageEvent, Req, Res, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Observable, ReplaySubject, finalize, interval, map, merge, takeUntil } from 'rxjs';
import { Public } from '@dco/platform';
import { DASHBOARD_SOURCE, DashboardSnapshot, DashboardSource } from './dashboard.port';

const STATIC_DIR = join(__dirname, 'static');
const ASSETS: Record<string, { file: string; type: string }> = {
  'dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

/** No inline script or style, nothing from elsewhere: rendered data can never run as code. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** SSE comment lines every 15 s keep proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

const TEXT = { schema: { type: 'string' } };

@ApiTags('dashboard')
@Controller()
export class DashboardController implements BeforeApplicationShutdown {
  private readonly files = new Map<string, string>();
  /** Open (and reconnecting) event streams end on shutdown; otherwise the HTTP server would wait for every open tab. */
  private readonly closing = new ReplaySubject<void>(1);
  private shuttingDown = false;

  constructor(@Inject(DASHBOARD_SOURCE) private readonly source: DashboardSource) {
    for (const name of ['index.html', ...Object.keys(ASSETS)])
      this.files.set(name, readFileSync(join(STATIC_DIR, name), 'utf8'));
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'redirects to the dashboard' })
  @ApiResponse({ status: 302, description: 'to /dashboard' })
  root(@Res() response: Response): void {
    response.redirect(302, '/dashboard');
  }

  @Get('dashboard')
  @Public()
  @ApiOperation({ summary: 'the operator dashboard page' })
  @ApiProduces('text/html')
  @ApiOkResponse(TEXT)
  page(@Res() response: Response): void {
    this.send(response, 'index.html', 'text/html; charset=utf-8');
  }

  @Get('dashboard/dashboard.js')
  @Public()
  @ApiOperation({ summary: "the dashboard's script" })
  @ApiProduces('text/javascript')
  @ApiOkResponse(TEXT)
  script(@Res() response: Response): void {
    this.send(response, 'dashboard.js', ASSETS['dashboard.js'].type);
  }

  @Get('dashboard/dashboard.css')
  @Public()
  @ApiOperation({ summary: "the dashboard's style sheet" })
  @ApiProduces('text/css')
  @ApiOkResponse(TEXT)
  style(@Res() response: Response): void {
    this.send(response, 'dashboard.css', ASSETS['dashboard.css'].type);
  }

  @Get('api/dashboard')
  @ApiOperation({ summary: 'what the dashboard shows: runs, open alerts, infrastructure, the last DR drills' })
  @ApiOkResponse({ schema: { type: 'object' } })
  snapshot(): Promise<DashboardSnapshot> {
    return this.source.snapshot();
  }

  /** First a full snapshot, then each change as it happens; the browser reconnects (and gets a fresh snapshot) on its own. */
  @Sse('api/events')
  @ApiOperation({
    summary:
      'server-sent events: a snapshot, then run, alert, alert-closed, infrastructure, audit, drill and heartbeat events',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse(TEXT)
  events(@Req() request: Request): Observable<MessageEvent> {
    const changes = this.source.changes().pipe(
      map((change): MessageEvent => {
        switch (change.kind) {
          case 'run':
            return { type: 'run', data: change.run };
          case 'alert':
            return { type: 'alert', data: change.alert };
          case 'alert-closed':
            return { type: 'alert-closed', data: { dedupeKey: change.dedupeKey } };
          case 'infrastructure':
            return { type: 'infrastructure', data: change.infrastructure };
          case 'audit':
            return { type: 'audit', data: change.entry };
          case 'drill':
            return { type: 'drill', data: change.drill };
        }
      }),
    );
    const heartbeat = interval(HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ type: 'heartbeat', data: { at: new Date().toISOString() } })),
    );
    // Changes are subscribed before the snapshot is read and held until it is sent, so none falls in between.
    const stream = new Observable<MessageEvent>((subscriber) => {
      const held: MessageEvent[] = [];
      let snapshotSent = false;
      const subscription = changes.subscribe({
        next: (event) => (snapshotSent ? subscriber.next(event) : held.push(event)),
        error: (error: unknown) => subscriber.error(error),
      });
      this.source.snapshot().then(
        (snapshot) => {
          subscriber.next({ type: 'snapshot', data: snapshot });
          snapshotSent = true;
          held.splice(0).forEach((event) => subscriber.next(event));
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => subscription.unsubscribe();
    });
    return merge(stream, heartbeat).pipe(
      takeUntil(this.closing),
      // The response ends on completion, but its keep-alive socket would hold the server open; end that too.
      finalize(() => {
        if (this.shuttingDown) setImmediate(() => request.socket.end());
      }),
    );
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    this.closing.next();
    this.closing.complete();
  }

  private send(response: Response, name: string, type: string): void {
    response.setHeader('Content-Type', type);
    response.setHeader('Content-Security-Policy', CSP);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cache-Control', 'no-cache');
    response.send(this.files.get(name));
  }
}
