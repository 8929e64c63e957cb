// REST API of the runs: list, inspect, start a run or rerun, approve or reject a run waiting for approval, resume a Failed run.
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseFilters,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { describe } from '@dco/contracts';
import { Actor, ApiActor, RateLimited } from '@dco/platform';
import { RunsQuery } from '../runs-query/runs-query.service';
import { RunSummaryView, RunView } from '../runs-query/run-view';
import { ApiError, ApiErrorFilter } from './api-error';
import { RunCommandsService } from './run-commands.service';
import {
  DecisionAcceptedView,
  DecisionDto,
  ListRunsQuery,
  ResumeAcceptedView,
  ResumeDto,
  RunAcceptedView,
  RunIdParam,
  StartRunDto,
} from './runs.dto';

export const apiValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new ApiError('API.VALIDATION_FAILED', describe(errors), HttpStatus.BAD_REQUEST),
});

const ERROR_SCHEMA = {
  schema: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
};
const UNAUTHORIZED = { status: 401, description: 'API.UNAUTHORIZED (no or an unknown credential)', ...ERROR_SCHEMA };
const FORBIDDEN = { status: 403, description: "API.FORBIDDEN (the credential's role is too low)", ...ERROR_SCHEMA };
const RATE_LIMITED = { status: 429, description: 'API.RATE_LIMITED (Retry-After says when)', ...ERROR_SCHEMA };

/** Reads need a viewer credential, every POST an operator's (the platform's global guard); the actor is the credential. */
@ApiTags('runs')
@ApiBearerAuth('bearer')
@ApiResponse(UNAUTHORIZED)
@ApiResponse(FORBIDDEN)
@Controller('api/runs')
@UseFilters(ApiErrorFilter)
@UsePipes(apiValidationPipe)
export class RunsController {
  constructor(
    private readonly runs: RunsQuery,
    private readonly commands: RunCommandsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'list runs, newest first' })
  @ApiOkResponse({ type: [RunSummaryView] })
  list(@Query() query: ListRunsQuery): RunSummaryView[] {
    return this.runs.list(query);
  }

  @Get(':runId')
  @ApiOperation({ summary: 'one run with its step timeline, changes, approvals and alerts' })
  @ApiOkResponse({ type: RunView })
  @ApiResponse({ status: 404, description: 'RUN.NOT_FOUND', ...ERROR_SCHEMA })
  get(@Param() params: RunIdParam): RunView {
    const run = this.runs.get(params.runId);
    if (!run) throw new ApiError('RUN.NOT_FOUND', `no run ${params.runId}`, HttpStatus.NOT_FOUND);
    return run;
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimited('decisions')
  @ApiOperation({
    summary:
      'start the run of a day, or a rerun (dco-<day>-r<n>) when the day already has one; a rerun never repeats a completed DCO',
    description:
      'An operator may start a run of today or tomorrow (in the DCO time zone); any other day needs an admin (API.FORBIDDEN).',
  })
  @ApiResponse(RATE_LIMITED)
  @ApiAcceptedResponse({ type: RunAcceptedView })
  @ApiResponse({ status: 409, description: 'RUN.ALREADY_ACTIVE', ...ERROR_SCHEMA })
  @ApiResponse({ status: 400, description: 'API.VALIDATION_FAILED', ...ERROR_SCHEMA })
  start(@Body() body: StartRunDto, @Actor() actor: ApiActor): Promise<RunAcceptedView> {
    return this.commands.startRun(body, actor);
  }

  @Post(':runId/approve')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimited('decisions')
  @ApiResponse(RATE_LIMITED)
  @ApiOperation({ summary: "approve a run waiting for approval (the credential's name and the reason are recorded)" })
  @ApiAcceptedResponse({ type: DecisionAcceptedView })
  @ApiResponse({ status: 404, description: 'RUN.NOT_FOUND', ...ERROR_SCHEMA })
  @ApiResponse({ status: 409, description: 'RUN.NOT_AWAITING_APPROVAL', ...ERROR_SCHEMA })
  approve(
    @Param() params: RunIdParam,
    @Body() body: DecisionDto,
    @Actor() actor: ApiActor,
  ): Promise<DecisionAcceptedView> {
    return this.commands.decide(params.runId, true, body, actor);
  }

  @Post(':runId/reject')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimited('decisions')
  @ApiResponse(RATE_LIMITED)
  @ApiOperation({
    summary: 'reject a run waiting for approval: its updates are skipped or rolled back and the DCO runs',
  })
  @ApiAcceptedResponse({ type: DecisionAcceptedView })
  @ApiResponse({ status: 404, description: 'RUN.NOT_FOUND', ...ERROR_SCHEMA })
  @ApiResponse({ status: 409, description: 'RUN.NOT_AWAITING_APPROVAL', ...ERROR_SCHEMA })
  reject(
    @Param() params: RunIdParam,
    @Body() body: DecisionDto,
    @Actor() actor: ApiActor,
  ): Promise<DecisionAcceptedView> {
    return this.commands.decide(params.runId, false, body, actor);
  }

  @Post(':runId/resume')
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimited('decisions')
  @ApiResponse(RATE_LIMITED)
  @ApiOperation({
    summary: 'resume a run parked in Failed by a failed compensation (who and why are recorded)',
    description:
      'Issues the failed compensation again as a fresh command (same run, same step, next attempt), then the remaining compensations, then the DCO on the old infrastructure; the run ends RunCompletedAfterRollback, or Failed again if the compensation fails again.',
  })
  @ApiAcceptedResponse({ type: ResumeAcceptedView })
  @ApiResponse({
    status: 400,
    description: 'API.VALIDATION_FAILED (bad runId, missing reason, or a by field: the actor is the credential)',
    ...ERROR_SCHEMA,
  })
  @ApiResponse({ status: 404, description: 'RUN.NOT_FOUND', ...ERROR_SCHEMA })
  @ApiResponse({
    status: 409,
    description:
      'RUN.NOT_FAILED, or RUN.NOTHING_TO_RESUME (the DCO failed and nothing is left to roll back: rerun the day)',
    ...ERROR_SCHEMA,
  })
  resume(@Param() params: RunIdParam, @Body() body: ResumeDto, @Actor() actor: ApiActor): Promise<ResumeAcceptedView> {
    return this.commands.resume(params.runId, body, actor);
  }
}
