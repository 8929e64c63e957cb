// GET /api/asyncapi.json: the bus's AsyncAPI document (every topic, its message, key, headers and dead-letter topic).
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { buildAsyncApiDocument } from '@dco/messaging';
import { EXTERNAL_CLOUD_EVENTS_ASYNCAPI } from '../../../detector/src';

@ApiTags('contracts')
@Controller('api')
export class AsyncApiController {
  private readonly document = buildAsyncApiDocument([EXTERNAL_CLOUD_EVENTS_ASYNCAPI]);

  @Get('asyncapi.json')
  @ApiOperation({ summary: "the message bus's AsyncAPI 3.0 document, generated from the contracts registry" })
  @ApiOkResponse({ schema: { type: 'object', required: ['asyncapi', 'channels', 'operations'] } })
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
