// Reads old schema versions: each upcaster lifts one type's data from version N to N+1, applied in a chain on read.
import { DailyTickDataV1 } from './messages/scheduler.messages';
import { ClassConstructor } from 'class-transformer';
import { MessageType } from './registry';

export interface UpcastContext {
  occurredAt: string;
}

export interface Upcaster {
  type: MessageType;
  fromVersion: number;
  /** Validates the old shape before lifting it, so a bad old message is rejected with the old version's errors. */
  fromData: ClassConstructor<object>;
  upcast(data: Record<string, unknown>, context: UpcastContext): Record<string, unknown>;
}

/** DailyTick v1 carried only `date`; v2 renamed it to `day` and added the trigger and schedule time. */
const dailyTickV1ToV2: Upcaster = {
  type: 'DailyTick',
  fromVersion: 1,
  fromData: DailyTickDataV1,
  upcast: (data, context) => ({ day: data.date, trigger: 'schedule', scheduledAt: context.occurredAt }),
};

export const UPCASTERS: readonly Upcaster[] = [dailyTickV1ToV2];

export function findUpcaster(type: MessageType, fromVersion: number): Upcaster | undefined {
  return UPCASTERS.find((u) => u.type === type && u.fromVersion === fromVersion);
}
