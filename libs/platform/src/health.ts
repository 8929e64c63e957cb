// GET /health: liveness plus the checks each service registers (bus connected, handled and in-flight command counts).
import { Controller, Get, HttpStatus, Inject, Injectable, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from './http/api-auth.decorators';
import { SERVICE_NAME } from './tokens';

export interface HealthCheckResult {
  ok: boolean;
  detail?: unknown;
}

export interface HealthContributor {
  name: string;
  check(): Promise<HealthCheckResult> | HealthCheckResult;
}

@Injectable()
export class HealthRegistry {
  private readonly contributors: HealthContributor[] = [];
  private readonly startedAt = Date.now();
  private draining = false;

  register(contributor: HealthContributor): void {
    this.contributors.push(contributor);
  }

  /** Set on shutdown so that load balancers stop sending work before the process exits. */
  markDraining(): void {
    this.draining = true;
  }

  async report(service: string) {
    const checks: Record<string, HealthCheckResult> = {};
    for (const contributor of this.contributors) {
      try {
        checks[contributor.name] = await contributor.check();
      } catch (error) {
        checks[contributor.name] = { ok: false, detail: (error as Error).message };
      }
    }
    const ok = !this.draining && Object.values(checks).every((check) => check.ok);
    return {
      status: this.draining ? 'draining' : ok ? 'ok' : 'unhealthy',
      service,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      checks,
    };
  }
}

const HEALTH_REPORT_SCHEMA = {
  type: 'object',
  required: ['status', 'service', 'uptimeSeconds', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unhealthy', 'draining'] },
    service: { type: 'string', example: 'orchestrator' },
    uptimeSeconds: { type: 'integer' },
    checks: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, detail: {} } },
    },
  },
};

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'liveness and the checks of this process (bus connected, workers)' })
  @ApiResponse({ status: 200, description: 'every check is ok', schema: HEALTH_REPORT_SCHEMA })
  @ApiResponse({
    status: 503,
    description: 'a check failed, or the process is draining before shutdown',
    schema: HEALTH_REPORT_SCHEMA,
  })
  async health(@Res() response: Response): Promise<void> {
    const report = await this.registry.report(this.service);
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
