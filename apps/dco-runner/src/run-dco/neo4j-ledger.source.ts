// Hands out the Neo4j ledger the blue-green connection pointer names, migrated, waiting out a cutover's write freeze, and
// checks the pointer (watched) before every write transaction of that ledger.
import { setTimeout as delay } from 'node:timers/promises';
import { Clock, CodedError } from '@dco/contracts';
import { applySchemaMigrations, createNeo4jDriver, DCO_SCHEMA_MIGRATIONS, Neo4jDcoLedger } from '@dco/dco';
import { BoltGraphDatabase, ConnectionPointer, ConnectionPointerStore } from '@dco/neo4j';
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
  private current?: { uri: string; driver: Driver; ledger: Neo4jDcoLedger; graph: BoltGraphDatabase };
  private opening?: { uri: string; ledger: Promise<Neo4jDcoLedger> };
  /** The newest pointer seen (by the watch or a read): what every write transaction is checked against. */
  private latest?: ConnectionPointer;
  private stopWatching?: () => void;
  /** The driver of an opening in progress, closed by close() so that no opening outlives the source. */
  private openingDriver?: Driver;
  private closed = false;
  /** The server and pointer generation whose write fence was last looked at (openFenceAfterFailBack). */
  private fenceCheckedFor?: string;

  constructor(private readonly options: Neo4jLedgerSourceOptions) {}

  async ledger(): Promise<Neo4jDcoLedger> {
    this.watchPointer();
    const { uri, pointer } = await this.writableUri();
    const ledger = await this.ledgerOn(uri);
    if (pointer) await this.openFenceAfterFailBack(uri, pointer);
    return ledger;
  }

  private async ledgerOn(uri: string): Promise<Neo4jDcoLedger> {
    if (this.current?.uri === uri) return this.current.ledger;
    // Callers that ask at once share one opening: a second driver would replace the first and close it under its caller,
    // whose next statement then never returns.
    if (this.opening?.uri !== uri) {
      const ledger = this.open(uri);
      this.opening = { uri, ledger };
      void ledger.then(
        () => this.settle(ledger),
        () => this.settle(ledger),
      );
    }
    return this.opening.ledger;
  }

  /**
   * The server the pointer names for writes, fenced by a switch the pointer has since undone without opening the fence
   * (the healer's fail-back writes only the pointer): the pointer is the authority, so the fence opens (ADR 0006). A
   * runner that missed the pointer cannot do this on blue: only a pointer later than the close names blue again.
   */
  private async openFenceAfterFailBack(uri: string, pointer: ConnectionPointer): Promise<void> {
    const graph = this.current?.uri === uri ? this.current.graph : undefined;
    // Once per server and pointer generation, not per command: only a later pointer can undo a switch's close.
    const key = `${uri}#${pointer.generation}`;
    if (!graph || this.fenceCheckedFor === key) return;
    const fence = await graph.readLedgerWriteFence();
    if (fence?.closed && fence.closedGeneration !== undefined && fence.closedGeneration < pointer.generation)
      await graph.openLedgerWrites();
    // Remembered only once looked at (and opened where due): a failure is tried again by the next command.
    this.fenceCheckedFor = key;
  }

  private settle(ledger: Promise<Neo4jDcoLedger>): void {
    if (this.opening?.ledger === ledger) this.opening = undefined;
  }

  /**
   * Opens the ledger ahead of the first command when the pointer's writes are open (at the service's start): its schema
   * migrated and the offering's statements planned, so that the day's command does not spend its first second planning
   * on a server that has just started (a green just switched to). Resolves to whether it opened; a freeze leaves the
   * opening to the first command, and a failure (a server not up yet) is the caller's to log: the first command opens again.
   */
  async warmUp(): Promise<boolean> {
    const pointer = await this.options.pointer?.read();
    this.see(pointer);
    if (this.closed || (pointer && pointer.writes !== 'open')) return false;
    await this.ledger();
    return true;
  }

  private async open(uri: string): Promise<Neo4jDcoLedger> {
    if (this.closed) throw new CodedError('DB.UNREACHABLE', `the Neo4j ledger source is closed; ${uri} was not opened`);
    const driver = createNeo4jDriver({ uri, user: this.options.user, password: this.options.password });
    this.openingDriver = driver;
    const ledger = new Neo4jDcoLedger(driver, { beforeWrite: () => this.assertWritable(uri) });
    try {
      await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: this.options.clock });
      await ledger.prepare();
      if (this.closed) throw new CodedError('DB.UNREACHABLE', `the Neo4j ledger source was closed while ${uri} opened`);
    } catch (error) {
      await driver.close();
      throw error;
    } finally {
      if (this.openingDriver === driver) this.openingDriver = undefined;
    }
    const previous = this.current;
    const credentials =
      this.options.user === undefined || this.options.password === undefined
        ? undefined
        : { user: this.options.user, password: this.options.password };
    this.current = { uri, driver, ledger, graph: new BoltGraphDatabase(uri, credentials) };
    await previous?.driver.close();
    await previous?.graph.close();
    return ledger;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.openingDriver?.close();
    await this.current?.driver.close();
    await this.current?.graph.close();
    this.current = undefined;
  }

  /**
   * Whether `uri` may take a write transaction now: not while the pointer freezes writes or names another server. The
   * migrator waits DCO_NEO4J_FREEZE_DRAIN_MS (this watch's interval plus the longest write transaction) after freezing
   * before it reads blue's change marker, so no transaction begun after the freeze was seen can slip past it.
   */
  writesOpenOn(uri: string): boolean {
    const pointer = this.latest;
    return !pointer || (pointer.writes === 'open' && pointer.current.boltUri === uri);
  }

  private assertWritable(uri: string): void {
    if (this.writesOpenOn(uri)) return;
    const pointer = this.latest as ConnectionPointer;
    // Transient, like the wait in writableUri: the bus retries the command, which then follows the pointer.
    throw new CodedError(
      'DB.WRITES_FROZEN',
      pointer.writes === 'frozen'
        ? `Neo4j writes are frozen by the connection pointer at ${this.options.pointer?.location}; this write transaction was not begun`
        : `the connection pointer at ${this.options.pointer?.location} moved writes from ${uri} to ${pointer.current.boltUri}; this write transaction was not begun`,
    );
  }

  private see(pointer: ConnectionPointer | undefined): void {
    if (pointer && pointer.generation >= (this.latest?.generation ?? -1)) this.latest = pointer;
  }

  private watchPointer(): void {
    if (this.stopWatching || !this.options.pointer) return;
    this.stopWatching = this.options.pointer.watch((pointer) => this.see(pointer), FREEZE_POLL_MS);
  }

  /** The pointer's server once writes are open; a freeze longer than freezeWaitMs fails this attempt (the bus retries). */
  private async writableUri(): Promise<{ uri: string; pointer?: ConnectionPointer }> {
    const deadline = Date.now() + this.options.freezeWaitMs;
    for (;;) {
      const pointer = await this.options.pointer?.read();
      this.see(pointer);
      if (!pointer) return { uri: this.options.defaultUri };
      if (pointer.writes === 'open') return { uri: pointer.current.boltUri, pointer };
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
