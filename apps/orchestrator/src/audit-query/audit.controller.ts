// REST API of the audit trail: a day's entries (a viewer's read, like the runs).
import { Controller, Get, HttpStatus, Query, UseFilters, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiErrorFilter } from '../runs-api/api-error';
import { apiValidationPipe } from '../runs-api/runs.controller';
import { AuditEntryView } from './audit-entry.view';
import { AuditQueryParams } from './audit.dto';
import { AuditQuery } from './audit-query.service';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@ApiResponse({ status: 401, description: 'API.UNAUTHORIZED (no or an unknown credential)' })
@Controller('api/audit')
@UseFilters(ApiErrorFilter)
@UsePipes(apiValidationPipe)
export class AuditController {
  constructor(private readonly audit: AuditQuery) {}

  @Get()
  @ApiOperation({
    summary:
      "the audit trail of a day's runs: changes, transitions, decisions (who, why, which plan), applies, rollouts, migrations, DCOs, rollbacks",
  })
  @ApiOkResponse({ type: [AuditEntryView] })
  @ApiResponse({ status: 400, description: 'API.VALIDATION_FAILED (day missing or malformed, runId malformed)' })
  @ApiResponse({ status: 503, description: 'API.UNAVAILABLE (the audit topic cannot be read now, e.g. Kafka is down)' })
  async list(@Query() query: AuditQueryParams): Promise<AuditEntryView[]> {
    try {
      return await this.audit.ofDay(query);
    } catch (error) {
      throw new ApiError(
        'API.UNAVAILABLE',
        `the audit trail cannot be read now: ${error instanceof Error ? error.message : String(error)}`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}
