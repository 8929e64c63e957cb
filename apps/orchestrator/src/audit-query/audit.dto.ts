// Query parameters of the audit API, validated with class-validator.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DAY_PATTERN, RUN_ID_PATTERN } from '@dco/contracts';
import { IsOptional, Matches } from 'class-validator';

export class AuditQueryParams {
  @ApiProperty({ example: '2026-11-26', description: 'the day of the runs whose audit trail to read' })
  @Matches(DAY_PATTERN, { message: 'day must be a day as YYYY-MM-DD' })
  day!: string;

  @ApiPropertyOptional({ example: 'dco-2026-11-26', description: 'only this run of the day' })
  @IsOptional()
  @Matches(RUN_ID_PATTERN, { message: 'runId must look like dco-YYYY-MM-DD or dco-YYYY-MM-DD-rN' })
  runId?: string;
}
