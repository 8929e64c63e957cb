// Durable store of accepted external change reports: replay protection and "folded into which day's run".
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExternalChangeReportedData } from '@dco/contracts';

export interface StoredReport {
  report: ExternalChangeReportedData;
  acceptedAt: string;
  /** The day whose detection included it; a redelivered DetectChanges for that day includes it again. */
  foldedInto?: string;
}

export interface ExternalReportStore {
  /** Loads what was stored before a restart; call once before isKnown. */
  open(): Promise<void>;
  /** Synchronous replay check for the bus's accept hook (the authoritative check is accept's). */
  isKnown(report: Pick<ExternalChangeReportedData, 'producerId' | 'reportId'>): boolean;
  /** Atomically records the report unless its producer already sent this reportId. */
  accept(report: ExternalChangeReportedData, acceptedAt: Date): Promise<'accepted' | 'replayed'>;
  /** Reports not yet folded into a run, plus those already folded into this day. */
  pendingFor(day: string): Promise<StoredReport[]>;
  markFolded(day: string, reports: StoredReport[]): Promise<void>;
}

export function reportKey(report: Pick<ExternalChangeReportedData, 'producerId' | 'reportId'>): string {
  return `${report.producerId}/${report.reportId}`;
}

type LogEntry =
  | { op: 'accept'; report: ExternalChangeReportedData; acceptedAt: string }
  | { op: 'fold'; day: string; keys: string[] };

/** Keeps the reports in memory, backed by a subclass's append-only log. */
export class InMemoryExternalReportStore implements ExternalReportStore {
  protected readonly reports = new Map<string, StoredReport>();
  private queue: Promise<unknown> = Promise.resolve();

  async open(): Promise<void> {
    await this.load();
  }

  isKnown(report: Pick<ExternalChangeReportedData, 'producerId' | 'reportId'>): boolean {
    return this.reports.has(reportKey(report));
  }

  accept(report: ExternalChangeReportedData, acceptedAt: Date): Promise<'accepted' | 'replayed'> {
    return this.serialize(async () => {
      await this.load();
      if (this.reports.has(reportKey(report))) return 'replayed' as const;
      const entry: LogEntry = { op: 'accept', report, acceptedAt: acceptedAt.toISOString() };
      await this.persist(entry);
      this.applyEntry(entry);
      return 'accepted' as const;
    });
  }

  async pendingFor(day: string): Promise<StoredReport[]> {
    await this.load();
    return [...this.reports.values()]
      .filter((stored) => stored.foldedInto === undefined || stored.foldedInto === day)
      .sort(
        (a, b) => a.acceptedAt.localeCompare(b.acceptedAt) || reportKey(a.report).localeCompare(reportKey(b.report)),
      )
      .map((stored) => structuredClone(stored));
  }

  markFolded(day: string, reports: StoredReport[]): Promise<void> {
    return this.serialize(async () => {
      const keys = reports
        .map((stored) => reportKey(stored.report))
        .filter((key) => this.reports.get(key)?.foldedInto !== day);
      if (keys.length === 0) return;
      const entry: LogEntry = { op: 'fold', day, keys };
      await this.persist(entry);
      this.applyEntry(entry);
    });
  }

  protected async load(): Promise<void> {}

  protected async persist(_entry: LogEntry): Promise<void> {}

  protected applyEntry(entry: LogEntry): void {
    if (entry.op === 'accept') {
      this.reports.set(reportKey(entry.report), { report: entry.report, acceptedAt: entry.acceptedAt });
      return;
    }
    for (const key of entry.keys) {
      const stored = this.reports.get(key);
      if (stored) stored.foldedInto = entry.day;
    }
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Append-only JSON-lines file (one replica owns it; see ADR 0007): survives restarts, a torn last line from a crash
 * is ignored on load.
 */
export class FileExternalReportStore extends InMemoryExternalReportStore {
  private loaded = false;
  /** A crash mid-append leaves a line without its newline; the next entry must not be glued to it. */
  private tornTail = false;

  constructor(private readonly path: string) {
    super();
  }

  protected override async load(): Promise<void> {
    if (this.loaded) return;
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.tornTail = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        this.applyEntry(JSON.parse(line) as LogEntry);
      } catch {
        // Only the last line can be torn (appends are sequential); everything before it was fully written.
      }
    }
    this.loaded = true;
  }

  protected override async persist(entry: LogEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.load();
    await appendFile(this.path, `${this.tornTail ? '\n' : ''}${JSON.stringify(entry)}\n`, {
      encoding: 'utf8',
      flush: true,
    });
    this.tornTail = false;
  }
}
