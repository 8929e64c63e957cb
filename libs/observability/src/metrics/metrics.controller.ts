// GET /metrics: the Prometheus exposition of this process's registry.
import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DcoMetrics } from './dco-metrics';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: DcoMetrics) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.setHeader('Content-Type', contentType);
    response.send(body);
  }
}
