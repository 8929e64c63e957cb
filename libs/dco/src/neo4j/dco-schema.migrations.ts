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
];
