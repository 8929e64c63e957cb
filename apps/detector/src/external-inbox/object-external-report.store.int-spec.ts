// Two detector replicas on one S3 prefix of the stack's moto: each sees the other's reports, a report accepted by both
// at once is accepted exactly once, and concurrent folds lose nothing (each report folded into exactly one day).
import { S3Client } from '@aws-sdk/client-s3';
import { ExternalChangeReportedData } from '@dco/contracts';
import { localEmulatorOptions, S3ObjectStore } from '@dco/aws';
import { detectorFromEnv } from '../detect-changes/detect-changes.factory';
import { ObjectExternalReportStore } from './object-external-report.store';

const report = (reportId: string): ExternalChangeReportedData => ({
  producerId: 'security-feed',
  reportId,
  reportedAt: '2026-11-25T10:00:00Z',
  change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE fix' },
  urgent: false,
  signature: 'a'.repeat(64),
});

const bucket = `dco-external-${Date.now().toString(36)}`;
const clients: S3Client[] = [];
let test = 0;

/** Two replicas: their own S3 clients and store instances over one bucket and prefix. */
async function twoReplicas(): Promise<[ObjectExternalReportStore, ObjectExternalReportStore]> {
  const prefix = `detector/t${++test}`;
  const stores = [0, 1].map(() => {
    const client = S3ObjectStore.client(localEmulatorOptions());
    clients.push(client);
    return new S3ObjectStore(client, { bucket, prefix });
  });
  await stores[0].ensureBucket();
  const replicas = stores.map((objects) => new ObjectExternalReportStore(objects));
  await Promise.all(replicas.map((replica) => replica.open()));
  return [replicas[0], replicas[1]];
}

afterAll(() => clients.forEach((client) => client.destroy()));

describe('ObjectExternalReportStore on moto S3, two replicas', () => {
  it("sees the other replica's reports and refuses their replay", async () => {
    const [one, two] = await twoReplicas();
    expect(await one.accept(report('r-1'), new Date('2026-11-25T10:00:01Z'))).toBe('accepted');
    expect(await two.accept(report('r-1'), new Date('2026-11-25T10:00:02Z'))).toBe('replayed');
    expect((await two.pendingFor('2026-11-26')).map((stored) => stored.report.reportId)).toEqual(['r-1']);
    expect(two.isKnown(report('r-1'))).toBe(true);

    const restarted = (await twoReplicas())[0];
    expect(restarted.isKnown(report('r-1'))).toBe(false); // another prefix: nothing leaks between tests
  }, 20_000);

  it('accepts a report sent to both at once exactly once', async () => {
    const [one, two] = await twoReplicas();
    const verdicts = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 ? one : two).accept(report('r-same'), new Date(`2026-11-25T10:00:0${index}Z`)),
      ),
    );
    expect(verdicts.filter((verdict) => verdict === 'accepted')).toHaveLength(1);
    expect(await one.pendingFor('2026-11-26')).toHaveLength(1);
  }, 20_000);

  it('concurrent accepts and folds lose nothing; each report is folded into exactly one day', async () => {
    const [one, two] = await twoReplicas();
    const ids = Array.from({ length: 10 }, (_, index) => `r-${index}`);
    await Promise.all(
      ids.map((id, index) =>
        (index % 2 ? one : two).accept(report(id), new Date(Date.UTC(2026, 10, 25, 10, 0, index))),
      ),
    );
    // Both replicas fold what they see, for two different days, at the same time; then one more report arrives.
    const [pendingOne, pendingTwo] = await Promise.all([one.pendingFor('2026-11-26'), two.pendingFor('2026-11-27')]);
    await Promise.all([
      one.markFolded('2026-11-26', pendingOne),
      two.markFolded('2026-11-27', pendingTwo),
      one.accept(report('r-late'), new Date('2026-11-26T12:00:00Z')),
    ]);
    const day26 = (await two.pendingFor('2026-11-26')).filter((stored) => stored.foldedInto === '2026-11-26');
    const day27 = (await one.pendingFor('2026-11-27')).filter((stored) => stored.foldedInto === '2026-11-27');
    const folded = [...day26, ...day27].map((stored) => stored.report.reportId).sort();
    expect(folded).toEqual([...ids].sort());
    expect((await one.pendingFor('2026-11-28')).map((stored) => stored.report.reportId)).toEqual(['r-late']);
  }, 30_000);
});

describe('the detector with DCO_EXTERNAL_BUCKET', () => {
  it('keeps its reports in that bucket (made on the emulator at open) instead of the pod-local file', async () => {
    const env = {
      DCO_PROFILE: 'local',
      DCO_AWS_ENDPOINT: localEmulatorOptions().endpoint,
      DCO_EXTERNAL_BUCKET: `dco-ext-factory-${Date.now().toString(36)}`,
      DCO_EXTERNAL_PREFIX: 'inbox',
    };
    const { store } = detectorFromEnv(env);
    expect(store).toBeInstanceOf(ObjectExternalReportStore);
    await store.open();
    expect(await store.accept(report('r-f'), new Date('2026-11-25T10:00:00Z'))).toBe('accepted');
    const client = S3ObjectStore.client(localEmulatorOptions());
    clients.push(client);
    const raw = new S3ObjectStore(client, { bucket: env.DCO_EXTERNAL_BUCKET, prefix: 'inbox' });
    expect(await raw.list('reports/')).toEqual(['reports/security-feed/r=r-f.json']);
  }, 20_000);
});
