// REST API of the healer: an operator approves one action on a fault during a run's DCO; anyone with a viewer's
// credential lists the approvals not used yet (ADR 0033).
import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseFilters, UsePipes } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ApiActor, RateLimited } from '@dco/platform';
import { ApiErrorFilter } from '../runs-api/api-error';
import { apiValidationPipe } from '../runs-api/runs.controller';
import { HealApprovalService } from './heal-approval.service';
import { HealApprovals } from './heal-approvals';
import { HealApprovalDto, HealApprovalView } from './heal.dto';

@ApiTags('heal')
@ApiBearerAuth('bearer')
@Controller('api/heal')
@UseFilters(ApiErrorFilter)
@UsePipes(apiValidationPipe)
export class HealController {
  constructor(
    private readonly approvals: HealApprovals,
    private readonly approval: HealApprovalService,
  ) {}

  @Get('approvals')
  @ApiOperation({ summary: 'the approvals to heal during a DCO not used yet' })
  @ApiOkResponse({ type: [HealApprovalView] })
  list(): HealApprovalView[] {
    return this.approvals.pending();
  }

  @Post('approvals')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimited('decisions')
  @ApiOperation({
    summary:
      "let the healer act once on this fault and target while a run's DCO runs (the credential's name is recorded)",
  })
  @ApiAcceptedResponse({ type: HealApprovalView })
  @ApiResponse({ status: 400, description: 'API.VALIDATION_FAILED' })
  approve(@Body() body: HealApprovalDto, @Actor() actor: ApiActor): Promise<HealApprovalView> {
    return this.approval.grant(body, actor);
  }
}
