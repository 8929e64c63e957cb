// The figures of one DR drill (ADR 0026), published by `dco drill` so that the dashboard shows the last drill of each kind.
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';

/** The losses a drill inflicts and recovers from (apps/cli/src/drill). */
export const DR_DRILL_KINDS = ['neo4j-loss', 'orchestrator-loss', 'deployer-state-loss'] as const;
export type DrDrillKind = (typeof DR_DRILL_KINDS)[number];

/** `zero`: no acknowledged write may be lost; `covered`: only writes the recovery source holds must survive. */
export const DR_RPO_OBJECTIVES = ['zero', 'covered'] as const;
export type DrRpoObjective = (typeof DR_RPO_OBJECTIVES)[number];

/** DrDrillCompleted v1: one drill measured and judged against its objectives, met or missed. */
export class DrDrillCompletedData {
  @IsIn(DR_DRILL_KINDS)
  kind!: DrDrillKind;

  /** When the drill's figures were taken (its end). */
  @IsISO8601({ strict: true })
  completedAt!: string;

  /** Seconds from the loss until the probe found the system serving again. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  rtoS!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  rtoObjectiveS!: number;

  /** Acknowledged writes missing after recovery. */
  @IsInt()
  @Min(0)
  rpoWritesLost!: number;

  /** Of those, writes the recovery source had to hold. */
  @IsInt()
  @Min(0)
  coveredWritesLost!: number;

  @IsInt()
  @Min(0)
  acknowledgedWrites!: number;

  @IsIn(DR_RPO_OBJECTIVES)
  rpoObjective!: DrRpoObjective;

  @IsBoolean()
  met!: boolean;

  /** One sentence per missed objective. */
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  misses!: string[];
}
