// Hands out the Neo4j ledger the blue-green connection pointer names, migrated, waiting out a cutover's write freeze.
import { setTimeout as delay } from 'node:timers/promises';
import { Clock, CodedError } from '@dco/contracts';
import { applySchemaMigrations, createNeo4jDriver, DCO_SCHEMA_MIGRATIONS, Neo4jDcoLedger } from '@dco/dco';
import { ConnectionPointerStore } from '@dco/neo4j';
import { Driver } from 'neo4j-driver';

export interface Neo4jLedgerSourceOptions {
  /** Used until the pointer exists (before the first blue-green migration). */
  defaultUri: string;
  pointer?: ConnectionPointerStore;
  user?: string;
  password?: string;
  freezeWaitMs: number;
  clock: Clock;
}

const FREEZE_POLL_MS = 500;

export class Neo4jLedgerSource {
  private current?: { uri: string; driver: Driver; ledger: Neo4jDcoLedger };

  constructor(private readonly options: Neo4jLedgerSourceOptions) {}

  async ledger(): Promise<Neo4jDcoLedger> {
    const uri = await this.writableUri();
    if (this.current?.uri === uri) return this.current.ledger;
    const driver = createNeo4jDriver({ uri, user: this.options.user, password: this.options.password });
    try {
      await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: this.options.clock });
    } catch (error) {
      await driver.close();
      throw error;
    }
    const previous = this.current;
    this.current = { uri, driver, ledger: new Neo4jDcoLedger(driver) };
    await previous?.driver.close();
    return this.current.ledger;
  }

  async close(): Promise<void> {
    await this.current?.driver.close();
    this.current = undefined;
  }

  /** The pointer's server once writes are open; a freeze longer than freezeWaitMs fails this attempt (the bus retries). */
  private async writableUri(): Promise<string> {
    const deadline = Date.now() + this.options.freezeWaitMs;
    for (;;) {
      const pointer = await this.options.pointer?.read();
      if (!pointer) return this.options.defaultUri;
      if (pointer.writes === 'open') return pointer.current.boltUri;
      if (Date.now() >= deadline) {
        // A transient code: the bus retries the command (the freeze lifts once the migration switches) instead of DcoFailed.
        throw new CodedError(
          'DB.WRITES_FROZEN',
          `Neo4j writes are still frozen by the connection pointer at ${this.options.pointer?.location} after ${this.options.freezeWaitMs} ms`,
        );
      }
      await delay(FREEZE_POLL_MS);
    }
  }
}
