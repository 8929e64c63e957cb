// POST /api/external-changes: the HTTP way in for external change reports; the verdict comes back as a coded status.
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ExternalChangesIntake } from './external-changes.intake';

export const EXTERNAL_CHANGES_INTAKE = Symbol('ExternalChangesIntake');

const REJECTED = {
  schema: {
    type: 'object',
    required: ['accepted', 'code', 'message'],
    properties: { accepted: { type: 'boolean', enum: [false] }, code: { type: 'string', example: 'MSG.BAD_SIGNATURE' }, message: { type: 'string' } },
  },
};

@ApiTags('external changes')
@Controller('api/external-changes')
export class ExternalChangesController {
  constructor(@Inject(EXTERNAL_CHANGES_INTAKE) private readonly intake: ExternalChangesIntake) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'report a change of an external system, signed with the producer key (HMAC-SHA256)' })
  @ApiBody({ schema: { type: 'object', description: 'the signed report: producerId, reportId, reportedAt, change, urgent, signature' } })
  @ApiResponse({
    status: 202,
    description: 'accepted: kept for the next detection, or starts a run when urgent',
    schema: { type: 'object', required: ['accepted', 'reportId'], properties: { accepted: { type: 'boolean', enum: [true] }, reportId: { type: 'string' } } },
  })
  @ApiResponse({ status: 400, description: 'MSG.INVALID_JSON, MSG.VALIDATION_FAILED', ...REJECTED })
  @ApiResponse({ status: 401, description: 'MSG.BAD_SIGNATURE', ...REJECTED })
  @ApiResponse({ status: 403, description: 'MSG.UNKNOWN_PRODUCER', ...REJECTED })
  @ApiResponse({ status: 409, description: 'MSG.REPLAYED', ...REJECTED })
  @ApiResponse({ status: 413, description: 'MSG.TOO_LARGE', ...REJECTED })
  async report(@Body() body: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const size = Number(request.headers['content-length'] ?? Buffer.byteLength(JSON.stringify(body ?? null)));
    const answer = await this.intake.receive(body, size);
    response.status(answer.status).json(answer.body);
  }
}
