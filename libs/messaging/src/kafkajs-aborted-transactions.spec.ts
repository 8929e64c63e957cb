// kafkajs' read-committed filter (patches/kafkajs+2.2.4.patch) against synthetic fetch responses: Given the broker's
// aborted-transactions list and a fetch's records / When kafkajs filters them / Then exactly the committed data remains.
import { createRequire } from 'node:module';

/** One record as kafkajs decodes it from a fetch response (only the fields the filter reads). */
interface FetchedRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

/** One entry of a fetch response partition's aborted_transactions (KIP-98). */
interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

type FilterAbortedMessages = (fetch: {
  messages: FetchedRecord[];
  abortedTransactions: AbortedTransaction[];
}) => FetchedRecord[];

// The module the consumer's Batch calls, loaded from node_modules as installed, so this spec fails without the patch.
const filterAbortedMessages = createRequire(__filename)(
  'kafkajs/src/consumer/filterAbortedMessages',
) as FilterAbortedMessages;

const ABORT_KEY = Buffer.from([0, 0, 0, 0]); // control record key: version 0, type 0 (abort)
const COMMIT_KEY = Buffer.from([0, 0, 0, 1]); // version 0, type 1 (commit)

const data = (offset: number, producerId: string, inTransaction = true): FetchedRecord => ({
  offset: String(offset),
  key: Buffer.from(`record-${offset}`),
  isControlRecord: false,
  batchContext: { producerId, inTransaction },
});
const marker = (offset: number, producerId: string, key: Buffer): FetchedRecord => ({
  offset: String(offset),
  key,
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});
const abortMarker = (offset: number, producerId: string) => marker(offset, producerId, ABORT_KEY);
const commitMarker = (offset: number, producerId: string) => marker(offset, producerId, COMMIT_KEY);
const aborted = (producerId: string, firstOffset: number): AbortedTransaction => ({
  producerId,
  firstOffset: String(firstOffset),
});

/** Offsets of the data records the consumer would hand to the application (kafkajs' Batch then drops control records). */
function delivered(messages: FetchedRecord[], abortedTransactions: AbortedTransaction[]): number[] {
  return filterAbortedMessages({ messages, abortedTransactions })
    .filter((record) => !record.isControlRecord)
    .map((record) => Number(record.offset));
}

const P1 = '1001';
const P2 = '1002';

describe('kafkajs read-committed filter (filterAbortedMessages, patched)', () => {
  it.each([
    {
      name: 'a fetch that starts past the first offsets of two aborted transactions keeps the committed records after them',
      // Log: 0 P2 data, 1 P1 data (both open when the broker restarted), 2 P1 abort, 3-4 P1 committed data,
      // 5 P1 commit, 6 P2 abort, 7 P2 committed data, 8 P2 commit. The fetch starts at 2.
      // kafkajs 2.2.4 moved one aborted transaction per record into its set, so P1 entered it at offset 3, after its
      // abort marker, and its committed records 3 and 4 were dropped.
      given: [aborted(P2, 0), aborted(P1, 1)],
      records: [
        abortMarker(2, P1),
        data(3, P1),
        data(4, P1),
        commitMarker(5, P1),
        abortMarker(6, P2),
        data(7, P2),
        commitMarker(8, P2),
      ],
      then: [3, 4, 7],
    },
    {
      name: 'the same fetch with the list in the order the broker writes it (by abort marker)',
      given: [aborted(P1, 1), aborted(P2, 0)],
      records: [
        abortMarker(2, P1),
        data(3, P1),
        data(4, P1),
        commitMarker(5, P1),
        abortMarker(6, P2),
        data(7, P2),
        commitMarker(8, P2),
      ],
      then: [3, 4, 7],
    },
    {
      name: 'an aborted transaction that began first but ended last is dropped although the broker lists it second',
      // The broker lists aborted transactions by abort marker; 2.2.4 only looked at the head of the list, so P2's
      // record 0 (first offset 0, behind P1's first offset 1) passed as committed.
      given: [aborted(P1, 1), aborted(P2, 0)],
      records: [data(0, P2), data(1, P1), abortMarker(2, P1), data(3, P1), commitMarker(4, P1), abortMarker(5, P2)],
      then: [3],
    },
    {
      name: 'a data record whose key happens to be an abort marker key does not end the aborted transaction',
      given: [aborted(P1, 0)],
      records: [
        data(0, P1),
        { ...data(1, P1), key: Buffer.from(ABORT_KEY) },
        data(2, P1),
        abortMarker(3, P1),
        data(4, P1),
        commitMarker(5, P1),
      ],
      then: [4],
    },
    {
      name: 'records outside transactions are never dropped',
      given: [aborted(P1, 0)],
      records: [data(0, P1), data(1, P2, false), abortMarker(2, P1)],
      then: [1],
    },
    {
      name: 'a fetch without aborted transactions is returned as it came',
      given: [],
      records: [data(0, P1), commitMarker(1, P1), data(2, P2, false)],
      then: [0, 2],
    },
  ])('$name', ({ given, records, then }) => {
    expect(delivered(records, given)).toEqual(then);
  });
});
