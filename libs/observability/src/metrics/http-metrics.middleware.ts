// Counts every HTTP request a service answers and times it, for the health comparison around updates (ADR 0025).
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DcoMetrics } from './dco-metrics';

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: DcoMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    // The scrapes are the meter's own requests, not the service's traffic.
    if (request.originalUrl.split('?')[0] === '/metrics') return next();
    const started = performance.now();
    response.once('finish', () => {
      // A server-sent event stream lasts as long as its client: its duration is not a latency.
      if (String(response.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
      this.metrics.httpRequests.inc({ method: request.method, code: String(response.statusCode) });
      this.metrics.httpRequestDuration.observe({ method: request.method }, (performance.now() - started) / 1000);
    });
    next();
  }
}
