// A bounded memory of processed eventIds (least recently seen evicted first), one per subscription.

export class DedupeCache {
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`dedupe capacity must be a positive integer, got ${capacity}`);
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
      const oldest = this.ids.keys().next().value as string;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
