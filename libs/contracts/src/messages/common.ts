// Value objects shared by several messages: days, base-unit amounts, changes, failures.
import { ClassConstructor, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
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
  'drift',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** A Terraform resource address, e.g. terraform_data.service_scale["orchestrator"]. */
export const RESOURCE_ADDRESS_PATTERN = /^[a-z_][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(\["[A-Za-z0-9._-]+"\])?$/;

/**
 * What a drift change found (kind `drift`): one attribute of one live resource differs from what the last apply left.
 * `address` is the Terraform resource that declares it: the re-apply replaces it, which restores the declared value.
 */
export class ChangeDrift {
  /** The live resource, e.g. "ecs-service dco-autopilot/orchestrator". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  resource!: string;

  /** e.g. desiredCount, exists, environment.NEO4J_URI */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  attribute!: string;

  @IsString()
  @MaxLength(500)
  expected!: string;

  @IsString()
  @MaxLength(500)
  live!: string;

  @Matches(RESOURCE_ADDRESS_PATTERN, { message: '$property must be a Terraform resource address' })
  @MaxLength(200)
  address!: string;
}

/** A published security advisory that covers an installed package version (kind `dependency`). */
export class ChangeAdvisory {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id!: string;

  @IsString()
  @MaxLength(20)
  severity!: string;

  @IsString()
  @MaxLength(300)
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  url?: string;
}

/** A service and the image that carries the update, as its release manifest maps it. */
export class ServiceImage {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  service!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  image!: string;
}

/**
 * What a registry-detected dependency update concerns (kind `dependency`, ADR 0029): the services that run the package
 * at `from`, the advisories on it, and the images the release manifest maps `package@to` to (what the infra-deployer
 * rolls out; a service without one waits for a release).
 */
export class ChangeDependency {
  @IsString()
  @IsNotEmpty()
  @MaxLength(214)
  package!: string;

  @IsIn(['published', 'deprecated', 'yanked'])
  installed!: 'published' | 'deprecated' | 'yanked';

  @IsArray()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  services!: string[];

  @IsListOf(() => ChangeAdvisory)
  advisories!: ChangeAdvisory[];

  @IsListOf(() => ServiceImage)
  rollouts!: ServiceImage[];
}

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

  /** Only on kind `drift` (optional: version 1 readers of the other kinds are unchanged). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeDrift)
  drift?: ChangeDrift;

  /** Apply at once rather than in a predicted quieter window (a security advisory covers what runs). */
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;

  /** Only on registry-detected `dependency` changes. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeDependency)
  dependency?: ChangeDependency;
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
