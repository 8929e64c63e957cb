// Publishes the process's OpenAPI document at /api/openapi.json and Swagger UI at /api/docs: every controller the
// process runs (one service's, or all of them in the embedded profile), found at startup.
import { INestApplication, Inject, Injectable, OnModuleInit, Type } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { SERVICE_NAME } from '../tokens';
import { buildOpenApiDocument } from './openapi.document';

@Injectable()
export class OpenApiPublisher implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  /** Runs after Nest registered the routes and before its not-found handler, so these routes are reachable. */
  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const controllers = this.discovery.getControllers().map((wrapper) => wrapper.metatype as Type);
    const document = await buildOpenApiDocument({ service: this.service }, controllers);
    const host = {
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: object) =>
        (adapter as unknown as { useStaticAssets(p: string, o: object): void }).useStaticAssets(path, options),
    } as unknown as INestApplication;
    SwaggerModule.setup('api/docs', host, document, { jsonDocumentUrl: 'api/openapi.json' });
  }
}
