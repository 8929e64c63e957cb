// POST /api/external-changes: the HTTP way in for external change reports; the verdict comes back as a coded status.
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ExternalChangesIntake } from './external-changes.intake';

export const EXTERNAL_CHANGES_INTAKE = Symbol('ExternalChangesIntake');

@Controller('api/external-changes')
export class ExternalChangesController {
  constructor(@Inject(EXTERNAL_CHANGES_INTAKE) private readonly intake: ExternalChangesIntake) {}

  @Post()
  @HttpCode(202)
  async report(@Body() body: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const size = Number(request.headers['content-length'] ?? Buffer.byteLength(JSON.stringify(body ?? null)));
    const answer = await this.intake.receive(body, size);
    response.status(answer.status).json(answer.body);
  }
}
