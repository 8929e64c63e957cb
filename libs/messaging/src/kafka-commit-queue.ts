// Group commit: chunks of several partitions that finish while a transaction is in flight share the next transaction.
import { WireRecord } from './wire-record';

/** One partition's handled chunk: what it writes, and the offset after its last record. */
export interface ChunkCommit {
  topic: string;
  partition: number;
  /** The next offset to consume (last handled + 1). */
  offset: string;
  outputs: WireRecord[];
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
