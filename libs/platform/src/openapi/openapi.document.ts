// Builds a service's OpenAPI document from its controllers' decorators, in a preview (never instantiated) application
// whose dependencies are stand-ins: the document describes routes, not the running service's state.
import { Logger, LoggerService, Module, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_ROUTE } from '../http/api-auth.decorators';
import { SESSION_COOKIE } from '../http/api-authenticator';

export interface OpenApiDocumentInfo {
  service: string;
  description?: string;
}

const DEFAULT_DESCRIPTION =
  'The HTTP endpoints of one DCO Autopilot process. Errors of the /api routes are JSON {code, message}; /health answers 503 while unhealthy or draining.';

const SILENT: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

/** Every injection token a class's constructor asks for: its parameter types, replaced by their @Inject tokens. */
function injectionTokens(type: Type): unknown[] {
  const tokens: unknown[] = [...((Reflect.getMetadata('design:paramtypes', type) as unknown[] | undefined) ?? [])];
  for (const { index, param } of (Reflect.getMetadata('self:paramtypes', type) as
    | { index: number; param: unknown }[]
    | undefined) ?? [])
    tokens[index] = param;
  return tokens;
}

function guardsOf(controller: Type): Type[] {
  const onClass = (Reflect.getMetadata(GUARDS_METADATA, controller) as Type[] | undefined) ?? [];
  const onMethods = Object.getOwnPropertyNames(controller.prototype).flatMap(
    (name) => (Reflect.getMetadata(GUARDS_METADATA, controller.prototype[name] as object) as Type[] | undefined) ?? [],
  );
  return [...onClass, ...onMethods];
}

/** The operation ids of the routes marked @Public(): they say so (security: []), every other one needs a credential. */
function publicOperationIds(controllers: Type[]): Set<string> {
  const ids = new Set<string>();
  for (const controller of controllers) {
    const onClass = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      if (name === 'constructor') continue;
      const handler = controller.prototype[name] as object;
      if (onClass || Reflect.getMetadata(PUBLIC_ROUTE, handler) === true)
        ids.add(`${controller.name.replace(/Controller$/, '')}_${name}`);
    }
  }
  return ids;
}

function declareSecurity(document: OpenAPIObject, publicIds: Set<string>): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch])
      if (operation)
        operation.security = publicIds.has(operation.operationId ?? '') ? [] : [{ bearer: [] }, { session: [] }];
  }
  return document;
}

export async function buildOpenApiDocument(info: OpenApiDocumentInfo, controllers: Type[]): Promise<OpenAPIObject> {
  const dependants = [...controllers, ...controllers.flatMap(guardsOf)];
  const tokens = new Set(
    dependants.flatMap(injectionTokens).filter((token) => token !== undefined && token !== Object),
  );
  @Module({ controllers, providers: [...tokens].map((token) => ({ provide: token as string, useValue: {} })) })
  class ApiDocumentModule {}

  // `logger: false` would replace Nest's process-wide logger for good (Logger.overrideLogger is static): every Nest log
  // line of the running service after its start went nowhere. The preview logs into a silent logger instead, and the
  // process's logger is put back once the preview exists.
  const processLogger = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  let preview: Awaited<ReturnType<typeof NestFactory.create>>;
  try {
    preview = await NestFactory.create(ApiDocumentModule, { preview: true, logger: SILENT, abortOnError: false });
  } finally {
    Logger.overrideLogger(processLogger ?? false);
  }
  try {
    const config = new DocumentBuilder()
      .setTitle(`DCO Autopilot ${info.service}`)
      .setDescription(info.description ?? DEFAULT_DESCRIPTION)
      .setVersion('1')
      .addServer('/', 'the process that serves this document')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description:
            'an API token of a named credential (DCO_API_CREDENTIALS): viewer to read, operator to change, admin to start a run for any day',
        },
        'bearer',
      )
      .addCookieAuth(
        SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'the session of POST /api/session' },
        'session',
      )
      .build();
    const document = SwaggerModule.createDocument(preview, config, {
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    });
    return declareSecurity(document, publicOperationIds(controllers));
  } finally {
    await preview.close();
  }
}
