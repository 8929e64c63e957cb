// POST /api/external-changes: the HTTP way in for external change reports, as CloudEvents 1.0 (binary or structured
// mode) or, until the legacy body's sunset, as the bare signed report; the verdict comes back as a coded status.
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  EXTERNAL_CHANGE_EVENT_TYPE,
  KEY_ID_EXTENSION,
  SIGNATURE_EXTENSION,
  isCloudEventRequest,
  readHttpCloudEvent,
} from './external-cloud-event';
import { Public, RateLimited } from '@dco/platform';
import { ExternalChangesIntake } from './external-changes.intake';

export const EXTERNAL_CHANGES_INTAKE = Symbol('ExternalChangesIntake');

/** The end of the deprecation period of the legacy (non-CloudEvents) report body; see the README. */
export const LEGACY_REPORT_SUNSET = new Date('2027-06-30T00:00:00Z');

const REJECTED = {
  schema: {
    type: 'object',
    required: ['accepted', 'code', 'message'],
    properties: {
      accepted: { type: 'boolean', enum: [false] },
      code: { type: 'string', example: 'MSG.BAD_SIGNATURE' },
      message: { type: 'string' },
    },
  },
};

const CHANGE_DATA = {
  type: 'object',
  required: ['change', 'urgent'],
  properties: {
    change: { type: 'object', description: 'kind, subject, from, to, risk, reason' },
    urgent: { type: 'boolean' },
  },
};

@ApiTags('external changes')
@Controller('api/external-changes')
export class ExternalChangesController {
  constructor(@Inject(EXTERNAL_CHANGES_INTAKE) private readonly intake: ExternalChangesIntake) {}

  @Post()
  @HttpCode(202)
  // No API credential: the body authenticates itself (its HMAC); counted per client address.
  @Public()
  @RateLimited('intake')
  @ApiOperation({
    summary: 'report a change of an external system as a CloudEvent, signed with the producer key (HMAC-SHA256)',
    description:
      `CloudEvents 1.0, binary mode (ce-* headers, data as the application/json body) or structured mode (application/cloudevents+json). ` +
      `type ${EXTERNAL_CHANGE_EVENT_TYPE}; source urn:dco:producer:<producer id>; id the report id; time the reported-at; data {change, urgent}; ` +
      `the ${SIGNATURE_EXTENSION} extension attribute (header ce-${SIGNATURE_EXTENSION}) the HMAC-SHA256 hex of the report's canonical JSON; ` +
      `optionally ${KEY_ID_EXTENSION}, the id of the producer key that signed it (part of the signed report as keyId). ` +
      `A refused report is answered with its code and never forwarded to Kafka. ` +
      `Deprecated until ${LEGACY_REPORT_SUNSET.toISOString().slice(0, 10)}: the bare signed report as application/json (answered with Deprecation and Sunset headers).`,
  })
  @ApiHeader({ name: 'ce-specversion', required: false, description: 'binary mode: 1.0' })
  @ApiHeader({
    name: `ce-${SIGNATURE_EXTENSION}`,
    required: false,
    description: 'binary mode: the HMAC-SHA256 of the report, hex',
  })
  @ApiConsumes('application/cloudevents+json', 'application/json')
  @ApiBody({
    required: true,
    description: 'structured mode: the whole event; binary mode: its data',
    schema: {
      oneOf: [
        {
          title: 'structured-mode CloudEvent',
          type: 'object',
          required: ['specversion', 'type', 'source', 'id', 'time', 'data', SIGNATURE_EXTENSION],
          properties: {
            specversion: { type: 'string', enum: ['1.0'] },
            type: { type: 'string', enum: [EXTERNAL_CHANGE_EVENT_TYPE] },
            source: { type: 'string', example: 'urn:dco:producer:security-feed' },
            id: { type: 'string' },
            time: { type: 'string', format: 'date-time' },
            datacontenttype: { type: 'string', enum: ['application/json'] },
            data: CHANGE_DATA,
            [SIGNATURE_EXTENSION]: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          },
        },
        { title: 'binary-mode data', ...CHANGE_DATA },
      ],
    },
  })
  @ApiResponse({
    status: 202,
    description: 'accepted: kept for the next detection, or starts a run when urgent',
    schema: {
      type: 'object',
      required: ['accepted', 'reportId'],
      properties: { accepted: { type: 'boolean', enum: [true] }, reportId: { type: 'string' } },
    },
  })
  @ApiResponse({
    status: 400,
    description:
      'CE.NOT_A_CLOUD_EVENT, CE.UNSUPPORTED_SPECVERSION, CE.INVALID_ATTRIBUTES, CE.UNSUPPORTED_TYPE, CE.MISSING_DATA, MSG.INVALID_JSON, MSG.VALIDATION_FAILED',
    ...REJECTED,
  })
  @ApiResponse({ status: 401, description: 'CE.MISSING_SIGNATURE, MSG.BAD_SIGNATURE', ...REJECTED })
  @ApiResponse({ status: 403, description: 'MSG.UNKNOWN_PRODUCER', ...REJECTED })
  @ApiResponse({
    status: 400,
    description: 'MSG.STALE_REPORT: reportedAt is more than DCO_EXTERNAL_MAX_AGE_MS (default 5 min) from now',
    ...REJECTED,
  })
  @ApiResponse({ status: 409, description: 'MSG.REPLAYED', ...REJECTED })
  @ApiResponse({ status: 413, description: 'MSG.TOO_LARGE (the limit is 16 kB)', ...REJECTED })
  @ApiResponse({
    status: 429,
    description: 'API.RATE_LIMITED: more than DCO_API_RATE_LIMIT_INTAKE requests a minute from this address',
    schema: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  })
  async report(@Body() body: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const size = Number(request.headers['content-length'] ?? Buffer.byteLength(JSON.stringify(body ?? null)));
    let answer;
    if (isCloudEventRequest(request.headers)) {
      answer = await this.intake.receiveCloudEvent(readHttpCloudEvent({ headers: request.headers, body }), size);
    } else {
      response.setHeader('Deprecation', 'true');
      response.setHeader('Sunset', LEGACY_REPORT_SUNSET.toUTCString());
      answer = await this.intake.receive(body, size);
    }
    response.status(answer.status).json(answer.body);
  }
}
