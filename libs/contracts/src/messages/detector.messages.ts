// Messages of change detection and the external-change inbox.
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Change, Failure, IsDay, IsListOf } from './common';

export class DetectChangesData {
  @IsDay()
  day!: string;
}

export class SourceReport {
  @IsString()
  @IsNotEmpty()
  source!: string;

  @IsIn(['ok', 'failed'])
  status!: 'ok' | 'failed';

  @IsInt()
  @Min(0)
  durationMs!: number;

  @IsOptional()
  @IsString()
  error?: string;
}

export class ChangesDetectedData {
  @IsDay()
  day!: string;

  @IsListOf(() => Change)
  changes!: Change[];

  @IsListOf(() => SourceReport)
  sources!: SourceReport[];
}

export class DetectionFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;
}

/** An external system reports a change; authenticated by an HMAC-SHA256 over the canonical JSON of every other field. */
export class ExternalChangeReportedData {
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'producerId must be a lowercase slug' })
  producerId!: string;

  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'reportId must be 1-128 safe characters' })
  reportId!: string;

  @IsISO8601({ strict: true })
  reportedAt!: string;

  /** Which of the producer's keys signed it (several are configured during a rotation); absent: any of them. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'keyId must be 1-64 letters, digits, dots, underscores or dashes' })
  keyId?: string;

  @ValidateNested()
  @Type(() => Change)
  change!: Change;

  @IsBoolean()
  urgent!: boolean;

  @Matches(/^[0-9a-f]{64}$/, { message: 'signature must be a hex HMAC-SHA256' })
  signature!: string;
}

/** Something other than the clock asks for a run (an urgent external change, an operator). */
export class RunRequestedData {
  @IsDay()
  day!: string;

  @IsString()
  @MaxLength(500)
  reason!: string;

  @IsString()
  @MaxLength(200)
  requestedBy!: string;
}
