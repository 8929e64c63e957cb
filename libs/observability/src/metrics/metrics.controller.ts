// GET /metrics: the Prometheus exposition of this process's registry.
import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DcoMetrics } from './dco-metrics';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: DcoMetrics) {}

  @Get('metrics')
  @ApiOperation({ summary: "this process's metrics in the Prometheus text exposition format 0.0.4" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.setHeader('Content-Type', contentType);
    response.send(body);
  }
}
