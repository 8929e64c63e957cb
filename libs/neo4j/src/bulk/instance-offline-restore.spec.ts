// How the instance-side restore reads the outcome of the script it had run (the script itself runs on an emulated instance
// in the int-spec): a check that failed is a damaged backup, any other failure a failed restore, and neither goes on to
// wait for green.
import { CodedError } from '@dco/contracts';
import { InstanceCommandResult, InstanceCommands } from '../fleet/instance-commands.port';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';
import { InMemoryBackupStore } from '../memory/in-memory-backup-store.fake';
import { BulkBackupWriter } from './bulk-export';
import { InstanceOfflineGreenRestorer } from './instance-offline-restore';
import { PART_DAMAGED_EXIT } from './instance-import.script';

/** An in-memory store that names its keys as the S3 store does (the script pulls s3:// URLs only). */
class S3NamedStore extends InMemoryBackupStore {
  override locate(key: string): string {
    return `s3://dco-backups/neo4j-backups/${key}`;
  }
}

async function backup(store: InMemoryBackupStore): Promise<void> {
  const writer = new BulkBackupWriter(store, 'run-1');
  await writer.addNode({ id: '0', labels: ['Account'], props: [['accountId', ['s', 'a-1']]] });
  await writer.finish(
    {
      createdAt: '2026-12-07T00:00:00.000Z',
      source: { uri: 'bolt://blue', serverVersion: '5.20.0', changeMarker: 'm' },
      schema: [],
    },
    testBackupSigner,
  );
}

function restorerAnswering(result: Omit<InstanceCommandResult, 'commandId'>, probed: string[]) {
  const commands: InstanceCommands = { runBash: async () => ({ ...result, commandId: 'c-7' }) };
  return new InstanceOfflineGreenRestorer({
    commands,
    credentials: { user: 'neo4j', password: 'x' },
    probe: async (uri) => void probed.push(uri),
  });
}

const green = { instanceId: 'i-0123456789abcdef0', boltUri: 'bolt://10.0.0.7:7687', version: '5.26.19' };

describe('the instance-side offline restore', () => {
  it.each([
    ['a part failed its check', PART_DAMAGED_EXIT, 'Failed', 'DB.BACKUP_CORRUPT'],
    ['the import failed', 1, 'Failed', 'DB.RESTORE_FAILED'],
    ['the command timed out', -1, 'TimedOut', 'DB.RESTORE_FAILED'],
  ] as const)('%s: %s, green not awaited', async (_name, exitCode, status, code) => {
    const store = new S3NamedStore();
    await backup(store);
    const probed: string[] = [];
    const error = await restorerAnswering({ status, exitCode, stdout: '', stderr: 'the end of its output' }, probed)
      .restore(green, store, 'run-1', testBackupSigner)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe(code);
    expect((error as CodedError).message).toContain('c-7');
    expect(probed).toEqual([]);
  });

  it('refuses a backup outside S3 before any command is sent', async () => {
    const store = new InMemoryBackupStore();
    await backup(store);
    let sent = 0;
    const restorer = new InstanceOfflineGreenRestorer({
      commands: {
        runBash: async () => ((sent += 1), { status: 'Success', exitCode: 0, stdout: '', stderr: '', commandId: 'c' }),
      },
      credentials: { user: 'neo4j', password: 'x' },
      probe: async () => undefined,
    });
    await expect(restorer.restore(green, store, 'run-1', testBackupSigner)).rejects.toMatchObject({
      code: 'DB.RESTORE_FAILED',
    });
    expect(sent).toBe(0);
  });
});
