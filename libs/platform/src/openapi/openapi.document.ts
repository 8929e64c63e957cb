// Builds a service's OpenAPI document from its controllers' decorators, in a preview (never instantiated) application
// whose dependencies are stand-ins: the document describes routes, not the running service's state.
import { Module, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export interface OpenApiDocumentInfo {
  service: string;
  description?: string;
}

const DEFAULT_DESCRIPTION =
  'The HTTP endpoints of one DCO Autopilot process. Errors of the /api routes are JSON {code, message}; /health answers 503 while unhealthy or draining.';

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

/** Operations without a guard are public; saying so (security: []) keeps validators and generators from guessing. */
function declarePublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch])
      if (operation && !operation.security) operation.security = [];
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

  const preview = await NestFactory.create(ApiDocumentModule, { preview: true, logger: false, abortOnError: false });
  try {
    const config = new DocumentBuilder()
      .setTitle(`DCO Autopilot ${info.service}`)
      .setDescription(info.description ?? DEFAULT_DESCRIPTION)
      .setVersion('1')
      .addServer('/', 'the process that serves this document')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the operator token (DCO_OPERATOR_TOKEN)' })
      .build();
    const document = SwaggerModule.createDocument(preview, config, {
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    });
    return declarePublicOperations(document);
  } finally {
    await preview.close();
  }
}
