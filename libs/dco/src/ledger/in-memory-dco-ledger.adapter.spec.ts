// Runs the ledger contract against the in-memory ledger.
import { describeDcoLedgerContract } from './dco-ledger.contract';
import { InMemoryDcoLedger } from './in-memory-dco-ledger.adapter';

const ledger = new InMemoryDcoLedger();
describeDcoLedgerContract('in memory', () => ({ ledger: () => ledger, cleanup: async () => {} }));
