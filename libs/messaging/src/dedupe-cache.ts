// A bounded memory of processed eventIds (least recently seen evicted first), one per subscription.
import { CodedError } from '@dco/contracts';

export class DedupeCache {
  private readonly ids = new Map<string, true>();
  /**
   * One live iterator over the map, in insertion order, used only to find the oldest id. A fresh `keys().next()` per
   * eviction would step over every entry deleted since the map last compacted (each touch and eviction leaves one),
   * which made remembering an id cost microseconds once the cache was full; the live iterator resumes where the last
   * eviction stopped. Every id behind it was evicted or touched (moved to the end), so the next one is the oldest.
   */
  private readonly oldestFirst = this.ids.keys();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new CodedError('INTERNAL.UNEXPECTED', `dedupe capacity must be a positive integer, got ${capacity}`);
  }

  has(eventId: string): boolean {
    if (!this.ids.has(eventId)) return false;
    // Touch: a redelivered id stays remembered as long as it keeps coming back.
    this.ids.delete(eventId);
    this.ids.set(eventId, true);
    return true;
  }

  add(eventId: string): void {
    this.ids.delete(eventId);
    this.ids.set(eventId, true);
    while (this.ids.size > this.capacity) {
      const oldest = this.oldestFirst.next().value as string;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
