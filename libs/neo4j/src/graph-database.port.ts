// The GraphDatabase port: what export, restore and validation need from one Neo4j server (Bolt adapter) or its in-memory fake.
import { NodeContent, NodeRecord, RelationshipRecord, RestoredRelationship } from './domain/graph-value';

/** Where an interrupted restore stopped: committed in the same transaction as the batch it describes. */
export interface RestoreProgress {
  /** sha256 of the backup being restored, so that a resume never mixes two backups. */
  backupSha256: string;
  /** Node and relationship records committed so far, in backup order. */
  recordsDone: number;
}

export interface OfferingLedgerRow {
  day: string;
  allocated: string;
  amounts: string[];
}

export interface GraphDatabase {
  readonly uri: string;
  /** Resolves when the server answers a query; rejects with DB.UNREACHABLE otherwise. */
  ping(): Promise<void>;
  serverVersion(): Promise<string>;
  /** An opaque value that changes whenever a transaction commits (the Bolt bookmark of a read). */
  changeMarker(): Promise<string>;
  /** CREATE statements of every constraint and index except the built-in lookup indexes and the migrator's own. */
  schemaStatements(): Promise<string[]>;
  /** Highest node id in use, -1 when there are none: export and checksum page over [0, max]. */
  maxNodeId(): Promise<number>;
  /** Nodes with from <= id < to (the migrator's own bookkeeping nodes excluded). */
  readNodes(from: number, to: number): Promise<NodeRecord[]>;
  /**
   * Relationships whose start node has from <= id < to. Paging by start node (id seek + expand) keeps every page an index
   * lookup whatever the planner's statistics say; a relationship-id seek is not planned on small or fresh stores.
   */
  readRelationships(from: number, to: number): Promise<RelationshipRecord[]>;
  /** Counts of user data (bookkeeping excluded). */
  countEntities(): Promise<{ nodes: number; relationships: number }>;
  readRestoreProgress(): Promise<RestoreProgress | undefined>;
  /** Creates the constraints and indexes, plus the migrator's source-id constraint; safe to repeat. */
  applySchema(statements: string[]): Promise<void>;
  /**
   * Creates nodes carrying their source id and records progress, in one transaction (a resumed restore skips committed
   * records, so a batch is never applied twice).
   */
  writeNodes(batch: NodeRecord[], progress: RestoreProgress): Promise<void>;
  writeRelationships(batch: RelationshipRecord[], progress: RestoreProgress): Promise<void>;
  /** Restored nodes (by source id) for the validation examples; only meaningful before `finishRestore`. */
  readRestoredNodes(sourceIds: string[]): Promise<Map<string, NodeContent>>;
  /**
   * The relationships leaving restored nodes whose source id is in [from, to), keyed by that source id, for the validation
   * examples (found through the source-id index); only meaningful before `finishRestore`.
   */
  readRestoredOutgoing(from: number, to: number): Promise<Map<string, RestoredRelationship[]>>;
  /** Ids of a few nodes without a source id (present on the target only) and of relationships leaving such nodes. */
  findUnrestored(limit: number): Promise<{ nodes: string[]; relationships: string[] }>;
  /** Removes the nodes' source ids, the restored label, the source-id constraint and the progress marker. */
  finishRestore(): Promise<void>;
  ledger(): Promise<OfferingLedgerRow[]>;
  /**
   * Opens the DCO ledger's write fence (ADR 0006) and returns how many ledger write transactions it has counted (0
   * without a fence). A fence that closeLedgerWrites created is removed, leaving the graph as it was before the close.
   * Writes nothing when the fence is open already.
   */
  openLedgerWrites(): Promise<number>;
  /**
   * Closes the ledger's write fence, waiting for the ledger writes in flight (they hold its lock), so that every later
   * ledger write transaction on this server is refused; creates it closed when there is none. Only if the fence has
   * counted exactly `expectedWrites`: otherwise DB.SOURCE_CHANGED, and the fence stays as it was.
   */
  closeLedgerWrites(fence: LedgerWriteFenceClose): Promise<void>;
  /** The ledger's write fence as it stands; undefined without one. */
  readLedgerWriteFence(): Promise<LedgerWriteFenceState | undefined>;
  close(): Promise<void>;
}

export interface LedgerWriteFenceClose {
  /** Who closes it (the migration's run id), kept on the fence and named to the writers it refuses. */
  closedBy: string;
  closedAt: string;
  /** The count of the copy the server is being left for: any other count means a ledger write the copy lacks. */
  expectedWrites: number;
  /**
   * The connection pointer's generation at the close. A pointer of a later generation that names this server for writes
   * (a fail-back) is the authority over the fence: the dco-runner opens it then.
   */
  generation: number;
}

export interface LedgerWriteFenceState {
  closed: boolean;
  writes: number;
  closedBy?: string;
  closedGeneration?: number;
}

export interface GraphDatabaseFactory {
  connect(uri: string): GraphDatabase;
}
