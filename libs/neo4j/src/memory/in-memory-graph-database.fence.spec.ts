// The in-memory graph's ledger write fence against the contract the Bolt adapter passes on a real server.
import { describeLedgerWriteFenceContract } from '../ledger-write-fence.contract';
import { LEDGER_WRITE_FENCE } from '../ledger-write-fence';
import { InMemoryGraphDatabase } from './in-memory-graph-database.fake';

describeLedgerWriteFenceContract('InMemoryGraphDatabase', async () => {
  const db = new InMemoryGraphDatabase('memory://fence', '5.26.19');
  db.createNode(['Account'], [['accountId', ['s', 'a-1']]]);
  return {
    db,
    createFence: async () => {
      db.createNode(
        [LEDGER_WRITE_FENCE.label],
        [
          ['closed', ['b', false]],
          ['name', ['s', LEDGER_WRITE_FENCE.name]],
          ['writes', ['i', '0']],
        ],
      );
    },
    ledgerWrite: async () => {
      db.ledgerWrite(['Account'], [['accountId', ['s', 'a-2']]]);
    },
    nodeCount: async () => (await db.countEntities()).nodes,
  };
});
