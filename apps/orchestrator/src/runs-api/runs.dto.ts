// Request bodies and query parameters of the runs API, validated with class-validator. Who acts is never in a body: it is
// the name of the caller's credential, and a body naming someone (by, requestedBy) is refused as an unknown property.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DAY_PATTERN, RUN_ID_PATTERN } from '@dco/contracts';
import { RUN_STATUSES } from '@dco/saga';

export class StartRunDto {
  @ApiPropertyOptional({ example: '2026-11-26', description: 'the day to run; default: today in the DCO time zone' })
  @IsOptional()
  @Matches(DAY_PATTERN, { message: 'day must be a day as YYYY-MM-DD' })
  day?: string;

  @ApiPropertyOptional({ example: 'rerun after the fix of INFRA.APPLY_FAILED' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DecisionDto {
  @ApiProperty({ example: 'reviewed the plan: 1 replaced instance is expected' })
  @IsString({ message: 'reason must be a string' })
  @IsNotEmpty({ message: 'reason must say why' })
  @MaxLength(2000)
  reason!: string;
}

export class ResumeDto {
  @ApiProperty({ example: 'restored the SSM parameter by hand; RollbackDb can run again' })
  @IsString({ message: 'reason must be a string' })
  @IsNotEmpty({ message: 'reason must say why the run can go on' })
  @MaxLength(2000)
  reason!: string;
}

export class ListRunsQuery {
  @ApiPropertyOptional({ example: '2026-11-26' })
  @IsOptional()
  @Matches(DAY_PATTERN, { message: 'day must be a day as YYYY-MM-DD' })
  day?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class RunIdParam {
  @ApiProperty({
    example: 'dco-2026-11-26',
    pattern: RUN_ID_PATTERN.source,
    description: 'dco-<day>, or dco-<day>-r<n> for a rerun',
  })
  @Matches(RUN_ID_PATTERN, { message: 'runId must look like dco-YYYY-MM-DD or dco-YYYY-MM-DD-rN' })
  runId!: string;
}

export class RunAcceptedView {
  @ApiProperty({ example: 'dco-2026-11-26-r1' }) runId!: string;
  @ApiProperty({ example: '2026-11-26' }) day!: string;
  @ApiProperty({ description: 'true when the day already had a run, so this one is a rerun' }) rerun!: boolean;
  @ApiProperty({ description: 'eventId of the RunRequested that starts it' }) eventId!: string;
  @ApiProperty({ example: 'alice', description: "the credential's name, recorded as who asked for the run" })
  requestedBy!: string;
}

export class ResumeAcceptedView {
  @ApiProperty() runId!: string;
  @ApiProperty({ example: 'rollback-db', description: 'the failed compensation that is issued again' }) step!: string;
  @ApiProperty({ example: 'carol', description: "the credential's name, recorded as who resumed" }) by!: string;
  @ApiProperty({ description: 'eventId of the RunResumeRequested' }) eventId!: string;
}

export class DecisionAcceptedView {
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: ['granted', 'rejected'] }) decision!: string;
  @ApiProperty({ example: 'alice', description: "the credential's name, recorded as who decided" }) by!: string;
  @ApiProperty() eventId!: string;
}
