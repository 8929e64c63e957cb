// Messages of the offering itself.
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { Failure, IsAmount, IsDay } from './common';

export class RunDcoData {
  @IsDay()
  day!: string;

  /** True when the run's updates were rolled back and the offering runs on the old infrastructure. */
  @IsBoolean()
  afterRollback!: boolean;
}

export class DcoCompletedData {
  @IsDay()
  day!: string;

  @IsString()
  offeringId!: string;

  @IsAmount()
  offered!: string;

  @IsAmount()
  allocated!: string;

  @IsAmount()
  undistributed!: string;

  @IsInt()
  @Min(0)
  allocationCount!: number;

  @IsInt()
  @Min(0)
  contributionCount!: number;

  @Matches(/^[0-9a-f]{64}$/)
  resultHash!: string;

  /** True when the day's offering had already completed and its stored result was returned. */
  @IsBoolean()
  reused!: boolean;
}

export class DcoFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;
}
