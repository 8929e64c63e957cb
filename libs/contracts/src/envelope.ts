// The envelope every message travels in (ARCHITECTURE.md section 3): identity, causality, trace context and typed data.
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
} from 'class-validator';

/** Run identity: `dco-YYYY-MM-DD` for the day's run, `dco-YYYY-MM-DD-rN` for a manual rerun. */
export const RUN_ID_PATTERN = /^dco-\d{4}-\d{2}-\d{2}(-r\d+)?$/;
/** W3C trace-context `traceparent` header value. */
export const TRACEPARENT_PATTERN = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const PRODUCERS = [
  'scheduler',
  'orchestrator',
  'detector',
  'infra-deployer',
  'db-migrator',
  'dco-runner',
  'cli',
  'external',
] as const;
export type Producer = (typeof PRODUCERS)[number];

export class EnvelopeHeader {
  @IsUUID()
  eventId!: string;

  @IsString()
  @IsNotEmpty()
  type!: string;

  @IsInt()
  @Min(1)
  schemaVersion!: number;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsIn(PRODUCERS)
  producer!: Producer;

  @Matches(RUN_ID_PATTERN, { message: 'runId must look like dco-YYYY-MM-DD or dco-YYYY-MM-DD-rN' })
  runId!: string;

  @IsOptional()
  @IsUUID()
  causationId?: string;

  @IsOptional()
  @Matches(TRACEPARENT_PATTERN, { message: 'traceparent must be a W3C trace-context value' })
  traceparent?: string;

  @IsObject()
  @Type(() => Object)
  data!: object;
}

/** A parsed, validated message: the header fields plus the data class of its type. */
export interface Envelope<TType extends string = string, TData = unknown> {
  eventId: string;
  type: TType;
  schemaVersion: number;
  occurredAt: string;
  producer: Producer;
  runId: string;
  causationId?: string;
  traceparent?: string;
  data: TData;
}

/** Upper bound of one serialized message; larger ones are dead-lettered as MSG.TOO_LARGE. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
