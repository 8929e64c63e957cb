// Publishes the runs API's OpenAPI document at /api/openapi.json and Swagger UI at /api/docs.
// The document is generated from the controllers' decorators in a preview (not instantiated) application, because the
// service's own bootstrap is shared platform code that this feature does not own.
import { INestApplication, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ORCHESTRATOR_CONFIG } from '../orchestrator.config';
import { RunsQuery } from '../runs-query/runs-query.service';
import { RunCommandsService } from './run-commands.service';
import { RunsController } from './runs.controller';
import { installApiFallbacks } from './api-fallbacks';

@Module({
  controllers: [RunsController],
  providers: [
    { provide: RunsQuery, useValue: {} },
    { provide: RunCommandsService, useValue: {} },
    { provide: ORCHESTRATOR_CONFIG, useValue: {} },
  ],
})
class RunsApiDocumentModule {}

export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const preview = await NestFactory.create(RunsApiDocumentModule, { preview: true, logger: false, abortOnError: false });
  try {
    const config = new DocumentBuilder()
      .setTitle('DCO Autopilot orchestrator')
      .setDescription('Daily runs of the DCO Autopilot: their state and step timeline, starting a run or rerun, approvals. Errors are JSON {code, message}.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the operator token (DCO_OPERATOR_TOKEN)' })
      .build();
    return SwaggerModule.createDocument(preview, config);
  } finally {
    await preview.close();
  }
}

@Injectable()
export class OpenApiPublisher implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Runs before Nest adds its not-found handler, so these routes are reachable. */
  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const document = await buildOpenApiDocument();
    const host = {
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: object) => (adapter as unknown as { useStaticAssets(p: string, o: object): void }).useStaticAssets(path, options),
    } as unknown as INestApplication;
    SwaggerModule.setup('api/docs', host, document, { jsonDocumentUrl: 'api/openapi.json' });
    installApiFallbacks(adapter);
  }
}
