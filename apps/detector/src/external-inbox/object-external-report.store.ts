// Accepted external reports as one S3 object each, shared by every detector replica (ADR 0016): accept creates the
// report's object with If-None-Match: * (a second replica's accept of the same report is its replay), folding rewrites
// it with If-Match: <ETag> (a concurrent fold re-reads, and the first day to fold a report keeps it).
import { ExternalChangeReportedData } from '@dco/contracts';
import { ObjectStore, readJsonObject, updateJsonObject } from '@dco/aws';
import { ExternalReportStore, reportKey, StoredReport } from './external-report.store';

const READ_CONCURRENCY = 16;

export class ObjectExternalReportStore implements ExternalReportStore {
  /** Reports this replica has seen stored (its own accepts and every listing): the accept hook's fast replay check. */
  private readonly known = new Set<string>();

  constructor(
    private readonly objects: ObjectStore,
    /** Runs first in open(): e.g. creating the bucket on the local emulator. */
    private readonly prepare: () => Promise<void> = async () => undefined,
  ) {}

  async open(): Promise<void> {
    await this.prepare();
    for (const key of await this.objects.list('reports/')) {
      const identity = identityOf(key);
      if (identity) this.known.add(identity);
    }
  }

  isKnown(report: Pick<ExternalChangeReportedData, 'producerId' | 'reportId'>): boolean {
    return this.known.has(reportKey(report));
  }

  async accept(report: ExternalChangeReportedData, acceptedAt: Date): Promise<'accepted' | 'replayed'> {
    const stored: StoredReport = { report, acceptedAt: acceptedAt.toISOString() };
    const written = await this.objects.create(objectKey(report), JSON.stringify(stored));
    this.known.add(reportKey(report));
    return written === 'exists' ? 'replayed' : 'accepted';
  }

  async pendingFor(day: string): Promise<StoredReport[]> {
    const keys = await this.objects.list('reports/');
    const reports: StoredReport[] = [];
    for (let start = 0; start < keys.length; start += READ_CONCURRENCY) {
      const batch = await Promise.all(
        keys.slice(start, start + READ_CONCURRENCY).map((key) => readJsonObject<StoredReport>(this.objects, key)),
      );
      for (const read of batch) if (read) reports.push(read.value);
    }
    for (const stored of reports) this.known.add(reportKey(stored.report));
    return reports
      .filter((stored) => stored.foldedInto === undefined || stored.foldedInto === day)
      .sort(
        (a, b) => a.acceptedAt.localeCompare(b.acceptedAt) || reportKey(a.report).localeCompare(reportKey(b.report)),
      );
  }

  async markFolded(day: string, reports: StoredReport[]): Promise<void> {
    await Promise.all(
      reports.map((stored) =>
        updateJsonObject<StoredReport>(this.objects, objectKey(stored.report), (current) =>
          // Absent (never stored here) or already folded (into this day, or first into another): nothing to write.
          current && current.foldedInto === undefined ? { ...current, foldedInto: day } : undefined,
        ),
      ),
    );
  }
}

/** reports/<producerId>/r=<reportId>.json: both ids are validated slugs (ExternalChangeReportedData), safe as keys. */
function objectKey(report: Pick<ExternalChangeReportedData, 'producerId' | 'reportId'>): string {
  return `reports/${report.producerId}/r=${report.reportId}.json`;
}

function identityOf(key: string): string | undefined {
  const match = /^reports\/([^/]+)\/r=(.+)\.json$/.exec(key);
  return match ? `${match[1]}/${match[2]}` : undefined;
}
