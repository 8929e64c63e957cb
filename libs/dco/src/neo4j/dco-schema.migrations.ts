// The ledger's schema, as versioned migrations: append a new version, never edit an applied one.
import { SchemaMigration } from './schema-migration-runner';

export const DCO_SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    name: 'dco ledger constraints',
    statements: [
      'CREATE CONSTRAINT dco_account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.accountId IS UNIQUE',
      'CREATE CONSTRAINT dco_contribution_id IF NOT EXISTS FOR (c:Contribution) REQUIRE c.contributionId IS UNIQUE',
      'CREATE CONSTRAINT dco_offering_day IF NOT EXISTS FOR (o:Offering) REQUIRE o.day IS UNIQUE',
      'CREATE CONSTRAINT dco_offering_id IF NOT EXISTS FOR (o:Offering) REQUIRE o.offeringId IS UNIQUE',
      'CREATE CONSTRAINT dco_allocation_offering_account IF NOT EXISTS FOR (a:Allocation) REQUIRE (a.offeringId, a.accountId) IS UNIQUE',
    ],
  },
  {
    version: 2,
    name: 'dco contribution lookups',
    statements: [
      'CREATE INDEX dco_contribution_day IF NOT EXISTS FOR (c:Contribution) ON (c.day)',
      'CREATE INDEX dco_contribution_account IF NOT EXISTS FOR (c:Contribution) ON (c.accountId)',
    ],
  },
  {
    version: 3,
    name: 'dco day read from the index',
    // The offering reads a day's account ids and amounts from this index alone, without touching the nodes.
    statements: [
      'CREATE INDEX dco_contribution_day_account_amount IF NOT EXISTS FOR (c:Contribution) ON (c.day, c.accountId, c.amount)',
      "CALL db.awaitIndex('dco_contribution_day_account_amount', 600)",
    ],
  },
  {
    version: 4,
    name: 'dco allocations in pages',
    // ADR 0035: an offering's allocations live in AllocationPage nodes (parallel lists of account ids and amounts). The
    // index finds the pages a written batch overlaps. Offerings written before keep their allocations: each is moved
    // into pages of 5,000 (in account order) and its Allocation nodes deleted, one page per transaction, so a migration
    // stopped half-way resumes where it stopped. An Allocation node without an account id or an amount was never one
    // the ledger wrote: it is left where it is (the ledger invariant still counts its amount).
    statements: [
      'CREATE INDEX dco_allocation_page IF NOT EXISTS FOR (p:AllocationPage) ON (p.offeringId, p.first)',
      "CALL db.awaitIndex('dco_allocation_page', 600)",
      `MATCH (o:Offering)
       WITH o, COUNT { (o)<-[:OF]-(al:Allocation) WHERE al.accountId IS NOT NULL AND al.amount IS NOT NULL } AS legacy
       WHERE legacy > 0
       UNWIND range(1, (legacy + 4999) / 5000) AS step
       CALL {
         WITH o
         MATCH (o)<-[:OF]-(al:Allocation)
         WHERE al.accountId IS NOT NULL AND al.amount IS NOT NULL
         WITH o, al ORDER BY al.accountId
         LIMIT 5000
         WITH o, collect(al) AS moved
         WHERE size(moved) > 0
         WITH o, moved, [al IN moved | al.accountId] AS ids
         CREATE (o)<-[:OF]-(:AllocationPage {offeringId: o.offeringId, first: head(ids), last: last(ids), accountIds: ids,
                                             amounts: [al IN moved | al.amount], count: size(ids)})
         FOREACH (al IN moved | DETACH DELETE al)
       } IN TRANSACTIONS OF 1 ROW`,
    ],
  },
  {
    version: 5,
    name: 'dco ledger write fence',
    // ADR 0006: every ledger write transaction passes this node first (its write lock, a count of writes, and whether the
    // server still takes ledger writes). The blue-green migrator closes it on blue at the switch, so a runner that missed
    // the connection pointer is refused by blue itself. Created open; one that a migrator created closed stays closed.
    statements: [
      'CREATE CONSTRAINT dco_write_fence_name IF NOT EXISTS FOR (f:DcoWriteFence) REQUIRE f.name IS UNIQUE',
      "MERGE (f:DcoWriteFence {name: 'ledger'}) ON CREATE SET f.closed = false, f.writes = 0",
    ],
  },
];
