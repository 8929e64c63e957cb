// Group commit: chunks of several partitions that finish while a transaction is in flight share the next transaction.
import { IncomingRecord, WireRecord } from './wire-record';

/** One consumed record of a chunk and what committing it writes (its outputs, or its dead letter). */
export interface ChunkEntry {
  record: IncomingRecord;
  outputs: WireRecord[];
  /** Set when `outputs` is the record's dead letter with this code and reason. */
  deadLetter?: { code: string; reason: string };
  /** eventId of a handled message (remembered for dedupe once committed, unless its outputs were refused). */
  eventId?: string;
}

/** One partition's handled chunk: what it writes, and the offset after its last record. */
export interface ChunkCommit {
  topic: string;
  partition: number;
  /** The next offset to consume (last handled + 1). */
  offset: string;
  outputs: WireRecord[];
  /** The chunk's records in order, so a write the broker refuses can be narrowed down to the record that caused it. */
  entries?: ChunkEntry[];
  /** Filled by the writer: eventIds whose outputs were replaced by a dead letter, so dedupe must not remember them. */
  forgotten?: string[];
}

/**
 * Serialises the commits of one transactional producer (kafkajs allows one open transaction per producer) and
 * coalesces the ones that queue up meanwhile: one transaction then carries the outputs and offsets of every waiting
 * chunk, so N partitions consumed concurrently cost about one commit round trip, not N in a row. The first commit
 * after an idle moment starts at once, so a lone chunk waits for nothing. If the shared transaction fails, every chunk
 * in it fails (nothing of any of them is visible) and is delivered again; it is never retried here, because a commit
 * whose answer was lost may have succeeded, and writing it twice would duplicate its outputs.
 */
export class CommitQueue {
  private waiting: { chunk: ChunkCommit; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(private readonly write: (chunks: readonly ChunkCommit[]) => Promise<void>) {}

  commit(chunk: ChunkCommit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ chunk, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0);
        try {
          await this.write(group.map((waiting) => waiting.chunk));
          for (const waiting of group) waiting.resolve();
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
