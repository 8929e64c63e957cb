// Value objects shared by several messages: days, base-unit amounts, changes, failures.
import { ClassConstructor, Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FAILURE_CODES, FailureCode } from '../codes';

/** A calendar day, YYYY-MM-DD (the day of the offering, in the scheduler's time zone). */
export const DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** An amount in integer base units, carried as a decimal string (BigInt in code, never floating point). */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,77})$/;

export const IsDay = () => Matches(DAY_PATTERN, { message: '$property must be a day as YYYY-MM-DD' });
export const IsAmount = () =>
  Matches(AMOUNT_PATTERN, { message: '$property must be a non-negative integer amount in base units, as a string' });

/**
 * A list of nested values of one class. IsObject on each element: ValidateNested alone walks into an array nested in the
 * list and accepts `[[]]`, which a handler would then take for an element.
 */
export function IsListOf(type: () => ClassConstructor<object>): PropertyDecorator {
  const decorators = [
    IsArray(),
    IsObject({ each: true, message: 'each value in $property must be an object' }),
    ValidateNested({ each: true }),
    Type(type),
  ];
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };
}

export const CHANGE_KINDS = [
  'neo4j-ami',
  'terraform-config',
  'app-release',
  'dependency',
  'aws-offering',
  'external',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** One detected change: what, from which value to which, how risky and why it matters. */
export class Change {
  @IsIn(CHANGE_KINDS)
  kind!: ChangeKind;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  subject!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  from?: string;

  @IsString()
  @MaxLength(500)
  to!: string;

  @IsIn(RISKS)
  risk!: Risk;

  @IsString()
  @MaxLength(1000)
  reason!: string;
}

/** Why a step failed: a stable code, a message a person can act on, optional structured detail. */
export class Failure {
  @IsIn(FAILURE_CODES)
  code!: FailureCode;

  @IsString()
  @MaxLength(4000)
  message!: string;

  @IsOptional()
  @IsString()
  @MaxLength(16000)
  detail?: string;
}

export class ChangeList {
  @IsListOf(() => Change)
  changes!: Change[];
}
