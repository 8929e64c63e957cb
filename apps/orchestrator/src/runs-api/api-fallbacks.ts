// Errors raised before any controller runs (malformed JSON bodies, unknown /api/runs routes) answered as {code, message} too.
// Installed on the HTTP adapter after Nest's router and before its own not-found and error handlers.
import { HttpStatus, Injectable, OnModuleInit } from '@nestjs/common';
import { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { ApiErrorBody } from './api-error';

export function installApiFallbacks(adapter: AbstractHttpAdapter): void {
  adapter.use('/api/runs', (request: Request, response: Response) => {
    response.status(HttpStatus.NOT_FOUND).json({
      code: 'API.NOT_FOUND',
      message: `no route ${request.method} ${request.originalUrl}`,
    } satisfies ApiErrorBody);
  });
  adapter.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!request.originalUrl.startsWith('/api/') || response.headersSent) return next(error);
    const status = (error as { status?: number }).status ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const body: ApiErrorBody =
      status < 500
        ? { code: 'API.VALIDATION_FAILED', message: `request body is not valid JSON: ${(error as Error).message}` }
        : { code: 'API.INTERNAL', message: 'unexpected error' };
    response.status(status).json(body);
  });
}

@Injectable()
export class ApiFallbacksInstaller implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Runs after Nest registered the routes and before its not-found handler. */
  onModuleInit(): void {
    if (this.adapterHost.httpAdapter) installApiFallbacks(this.adapterHost.httpAdapter);
  }
}
