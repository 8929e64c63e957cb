// GraphDatabase in memory: the embedded profile's Neo4j and the unit specs' stand-in, with the same semantics as the Bolt adapter.
import { CodedError } from '@dco/contracts';
import {
  GraphValue,
  NodeContent,
  NodeRecord,
  PropertyList,
  RelationshipRecord,
  RestoredRelationship,
  RESTORED_LABEL,
  SOURCE_ID_PROPERTY,
} from '../domain/graph-value';
import { groupBy } from '../domain/group-by';
import {
  GraphDatabase,
  GraphDatabaseFactory,
  LedgerWriteFenceClose,
  LedgerWriteFenceState,
  OfferingLedgerRow,
  RestoreProgress,
} from '../graph-database.port';
import { LEDGER_WRITE_FENCE, ledgerWritesSinceCopy } from '../ledger-write-fence';

interface StoredNode {
  labels: Set<string>;
  props: Map<string, GraphValue>;
  sourceId?: string;
}

interface StoredRelationship {
  type: string;
  start: number;
  end: number;
  props: Map<string, GraphValue>;
}

const toList = (props: Map<string, GraphValue>): PropertyList =>
  [...props.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const text = (value: GraphValue | undefined): string =>
  value === undefined ? 'null' : value[0] === 'i' || value[0] === 's' ? value[1] : JSON.stringify(value[1]);

/** The ledger write fence's count and state, as the Bolt adapter reads them (coalesce(writes, 0), closed = true). */
const writesOf = (fence: StoredNode): number => Number(fence.props.get('writes')?.[1] ?? 0);
const closedOf = (fence: StoredNode): boolean => fence.props.get('closed')?.[1] === true;

export class InMemoryGraphDatabase implements GraphDatabase {
  private readonly nodes = new Map<number, StoredNode>();
  private readonly relationships = new Map<number, StoredRelationship>();
  private readonly bySourceId = new Map<string, number>();
  private nextNodeId = 0;
  private nextRelationshipId = 0;
  private commits = 0;
  private schema: string[] = [];
  private progress?: RestoreProgress;
  /** False while the "server" is down: every call fails with DB.UNREACHABLE. */
  reachable = true;

  constructor(
    readonly uri: string,
    readonly version: string,
  ) {}

  // --- writes by the application (the embedded profile's services and the specs) ---
  createNode(labels: string[], props: PropertyList): string {
    const id = this.nextNodeId++;
    this.nodes.set(id, { labels: new Set(labels), props: new Map(props) });
    this.commits += 1;
    return String(id);
  }

  createRelationship(type: string, start: string, end: string, props: PropertyList): string {
    if (!this.nodes.has(Number(start)) || !this.nodes.has(Number(end)))
      throw new Error('relationship endpoints must exist');
    const id = this.nextRelationshipId++;
    this.relationships.set(id, { type, start: Number(start), end: Number(end), props: new Map(props) });
    this.commits += 1;
    return String(id);
  }

  setProperty(nodeId: string, key: string, value: GraphValue): void {
    const node = this.nodes.get(Number(nodeId));
    if (!node) throw new Error(`no node ${nodeId}`);
    node.props.set(key, value);
    this.commits += 1;
  }

  deleteNode(nodeId: string): void {
    for (const [id, rel] of this.relationships)
      if (rel.start === Number(nodeId) || rel.end === Number(nodeId)) this.relationships.delete(id);
    this.nodes.delete(Number(nodeId));
    this.commits += 1;
  }

  /**
   * A DCO ledger write transaction as the Neo4j ledger makes one (ADR 0006): it passes the write fence first, counted,
   * and is refused with DB.WRITES_FROZEN once the fence is closed. Returns the id of the node it creates.
   */
  ledgerWrite(labels: string[], props: PropertyList): string {
    this.check();
    const fence = this.fence();
    if (fence && closedOf(fence))
      throw new CodedError('DB.WRITES_FROZEN', `${this.uri} takes no more ledger writes: its write fence is closed`);
    if (fence) fence.props.set('writes', ['i', String(writesOf(fence) + 1)]);
    return this.createNode(labels, props);
  }

  // --- GraphDatabase ---
  async ping(): Promise<void> {
    this.check();
  }

  async serverVersion(): Promise<string> {
    this.check();
    return this.version;
  }

  async changeMarker(): Promise<string> {
    this.check();
    return `${this.uri}#${this.commits}`;
  }

  async schemaStatements(): Promise<string[]> {
    this.check();
    return [...this.schema];
  }

  async maxNodeId(): Promise<number> {
    this.check();
    return this.nextNodeId - 1;
  }

  async readNodes(from: number, to: number): Promise<NodeRecord[]> {
    this.check();
    const out: NodeRecord[] = [];
    for (let id = from; id < to; id++) {
      const node = this.nodes.get(id);
      if (node) out.push({ id: String(id), ...this.content(node) });
    }
    return out;
  }

  async readRelationships(from: number, to: number): Promise<RelationshipRecord[]> {
    this.check();
    const out: RelationshipRecord[] = [];
    for (const [id, rel] of this.relationshipsFrom(from, to)) {
      out.push({
        id: String(id),
        type: rel.type,
        start: String(rel.start),
        end: String(rel.end),
        props: toList(rel.props),
      });
    }
    return out;
  }

  async countEntities(): Promise<{ nodes: number; relationships: number }> {
    this.check();
    return { nodes: this.nodes.size, relationships: this.relationships.size };
  }

  async readRestoreProgress(): Promise<RestoreProgress | undefined> {
    this.check();
    return this.progress ? { ...this.progress } : undefined;
  }

  async applySchema(statements: string[]): Promise<void> {
    this.check();
    this.schema = [...new Set([...this.schema, ...statements])];
  }

  async writeNodes(batch: NodeRecord[], progress: RestoreProgress): Promise<void> {
    this.check();
    // Like the Bolt adapter's CREATE under the source-id uniqueness constraint: a batch applied twice fails whole.
    const seen = new Set<string>();
    for (const record of batch) {
      if (this.bySourceId.has(record.id) || seen.has(record.id))
        throw new Error(`source id ${record.id} is already restored (uniqueness constraint)`);
      seen.add(record.id);
    }
    for (const record of batch) {
      const id = this.nextNodeId++;
      this.nodes.set(id, { labels: new Set(record.labels), props: new Map(record.props), sourceId: record.id });
      this.bySourceId.set(record.id, id);
    }
    this.commit(progress);
  }

  async writeRelationships(batch: RelationshipRecord[], progress: RestoreProgress): Promise<void> {
    this.check();
    const missing = batch.filter((r) => !this.bySourceId.has(r.start) || !this.bySourceId.has(r.end));
    if (missing.length)
      throw new CodedError(
        'DB.RESTORE_FAILED',
        `${missing.length} relationships reference nodes missing from the backup`,
      );
    for (const record of batch) {
      this.relationships.set(this.nextRelationshipId++, {
        type: record.type,
        start: this.bySourceId.get(record.start) as number,
        end: this.bySourceId.get(record.end) as number,
        props: new Map(record.props),
      });
    }
    this.commit(progress);
  }

  async readRestoredNodes(sourceIds: string[]): Promise<Map<string, NodeContent>> {
    this.check();
    const out = new Map<string, NodeContent>();
    for (const sid of sourceIds) {
      const id = this.bySourceId.get(sid);
      const node = id === undefined ? undefined : this.nodes.get(id);
      if (node?.sourceId === sid) out.set(sid, this.content(node));
    }
    return out;
  }

  async readRestoredOutgoing(from: number, to: number): Promise<Map<string, RestoredRelationship[]>> {
    this.check();
    const sourceIdOf = (node: number) => this.nodes.get(node)?.sourceId;
    const outgoing = [...this.relationships].filter(([, rel]) => {
      const start = sourceIdOf(rel.start);
      return start !== undefined && Number(start) >= from && Number(start) < to;
    });
    return groupBy(
      outgoing,
      ([, rel]) => sourceIdOf(rel.start) as string,
      ([id, rel]): RestoredRelationship => {
        const end = sourceIdOf(rel.end);
        return {
          targetId: String(id),
          type: rel.type,
          ...(end === undefined ? {} : { end }),
          props: toList(rel.props),
        };
      },
    );
  }

  async findUnrestored(limit: number): Promise<{ nodes: string[]; relationships: string[] }> {
    this.check();
    const nodes = [...this.nodes.entries()]
      .filter(([, n]) => n.sourceId === undefined)
      .slice(0, limit)
      .map(([id]) => String(id));
    const relationships = [...this.relationships.entries()]
      .filter(([, r]) => this.nodes.get(r.start)?.sourceId === undefined)
      .slice(0, limit)
      .map(([id]) => String(id));
    return { nodes, relationships };
  }

  async finishRestore(): Promise<void> {
    this.check();
    this.nodes.forEach((n) => delete n.sourceId);
    this.bySourceId.clear();
    this.progress = undefined;
  }

  async ledger(): Promise<OfferingLedgerRow[]> {
    this.check();
    const rows: OfferingLedgerRow[] = [];
    for (const [id, node] of this.nodes) {
      if (!node.labels.has('Offering')) continue;
      const amounts: string[] = [];
      for (const r of this.relationships.values()) {
        const allocation = r.type === 'OF' && r.end === id ? this.nodes.get(r.start) : undefined;
        if (allocation?.labels.has('Allocation')) amounts.push(text(allocation.props.get('amount')));
        const paged = allocation?.labels.has('AllocationPage') ? allocation.props.get('amounts') : undefined;
        if (paged?.[0] === 'l') amounts.push(...paged[1].map(text));
      }
      rows.push({ day: text(node.props.get('day')), allocated: text(node.props.get('allocated')), amounts });
    }
    return rows.sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  async openLedgerWrites(): Promise<number> {
    this.check();
    const found = this.fenceEntry();
    if (!found) return 0;
    const [id, fence] = found;
    const writes = writesOf(fence);
    if (!closedOf(fence)) return writes;
    if (fence.props.has('createdBy')) this.deleteNode(String(id));
    else {
      fence.props.set('closed', ['b', false]);
      for (const key of ['closedBy', 'closedAt', 'closedGeneration']) fence.props.delete(key);
      this.commits += 1;
    }
    return writes;
  }

  async closeLedgerWrites(close: LedgerWriteFenceClose): Promise<void> {
    this.check();
    const fence = this.fence();
    const writes = fence ? writesOf(fence) : 0;
    if (writes !== close.expectedWrites) throw ledgerWritesSinceCopy(this.uri, writes, close.expectedWrites);
    const closed: PropertyList = [
      ['closed', ['b', true]],
      ['closedAt', ['s', close.closedAt]],
      ['closedBy', ['s', close.closedBy]],
      ['closedGeneration', ['i', String(close.generation)]],
    ];
    if (!fence) {
      this.createNode(
        [LEDGER_WRITE_FENCE.label],
        [
          ['createdBy', ['s', close.closedBy]],
          ['name', ['s', LEDGER_WRITE_FENCE.name]],
          ['writes', ['i', '0']],
          ...closed,
        ],
      );
      return;
    }
    for (const [key, value] of closed) fence.props.set(key, value);
    this.commits += 1;
  }

  async readLedgerWriteFence(): Promise<LedgerWriteFenceState | undefined> {
    this.check();
    const fence = this.fence();
    if (!fence) return undefined;
    const closedBy = fence.props.get('closedBy');
    const generation = fence.props.get('closedGeneration');
    return {
      closed: closedOf(fence),
      writes: writesOf(fence),
      ...(closedBy ? { closedBy: String(closedBy[1]) } : {}),
      ...(generation ? { closedGeneration: Number(generation[1]) } : {}),
    };
  }

  async close(): Promise<void> {
    // Nothing to release: the "server" outlives its clients.
  }

  /** Relationships whose start node id is in [from, to), in relationship id order. */
  private relationshipsFrom(from: number, to: number): Array<[number, StoredRelationship]> {
    return [...this.relationships.entries()]
      .filter(([, r]) => r.start >= from && r.start < to)
      .sort(([a], [b]) => a - b);
  }

  private content(node: StoredNode): NodeContent {
    const props = toList(node.props);
    if (node.sourceId !== undefined) props.push([SOURCE_ID_PROPERTY, ['i', node.sourceId]]);
    // As over Bolt: a restored node shows its bookkeeping label until finishRestore, and any other label as stored.
    return { labels: node.sourceId !== undefined ? [...node.labels, RESTORED_LABEL] : [...node.labels], props };
  }

  private commit(progress: RestoreProgress): void {
    this.progress = { ...progress };
    this.commits += 1;
  }

  private fenceEntry(): [number, StoredNode] | undefined {
    for (const entry of this.nodes)
      if (entry[1].labels.has(LEDGER_WRITE_FENCE.label) && entry[1].props.get('name')?.[1] === LEDGER_WRITE_FENCE.name)
        return entry;
    return undefined;
  }

  private fence(): StoredNode | undefined {
    return this.fenceEntry()?.[1];
  }

  private check(): void {
    if (!this.reachable) throw new CodedError('DB.UNREACHABLE', `Neo4j at ${this.uri} is unreachable`);
  }
}

/** The in-memory "network": servers by URI, shared by the in-memory fleet and whoever connects. */
export class InMemoryGraphServers implements GraphDatabaseFactory {
  private readonly servers = new Map<string, InMemoryGraphDatabase>();

  add(server: InMemoryGraphDatabase): InMemoryGraphDatabase {
    this.servers.set(server.uri, server);
    return server;
  }

  remove(uri: string): void {
    this.servers.delete(uri);
  }

  get(uri: string): InMemoryGraphDatabase | undefined {
    return this.servers.get(uri);
  }

  connect(uri: string): GraphDatabase {
    const server = this.servers.get(uri);
    if (!server) {
      const unreachable = new InMemoryGraphDatabase(uri, 'unknown');
      unreachable.reachable = false;
      return unreachable;
    }
    return server;
  }
}
