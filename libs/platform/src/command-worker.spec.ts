// The generic worker loop on the in-memory bus: outcomes caused by the command, coded failures as failure events, and
// the handled / in-flight counts the health check (and the fault specs) read.
import { CodedError, fixtureMessage, FIXTURE_DATA, MessageOf, parseMessage, systemClock } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { waitFor } from '@dco/testing';
import { CommandWorker } from './command-worker';
import { uuidGenerator } from './ids';

async function startWorker(handle: (message: MessageOf<'MigrateDb'>) => Promise<void>) {
  const bus = new InMemoryMessageBus();
  const worker = new CommandWorker(bus, {
    producer: 'db-migrator',
    group: 'command-worker-spec',
    clock: systemClock,
    ids: uuidGenerator,
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
    routes: [
      {
        command: 'MigrateDb',
        handle: async (message) => {
          await handle(message as MessageOf<'MigrateDb'>);
          return { type: 'DbMigrated', data: FIXTURE_DATA.DbMigrated };
        },
        onFailure: (failure) => ({ type: 'DbMigrationFailed', data: { failure, phase: 'restore' } }),
      },
    ],
  });
  await worker.start();
  const answers = (type: string) => bus.broker.records(type).map((record) => parseMessage(record.value));
  return { bus, worker, answers };
}

describe('CommandWorker', () => {
  it('counts a command in flight while its use case runs, then as handled, and answers caused by it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { bus, worker, answers } = await startWorker(() => gate);
    const command = fixtureMessage('MigrateDb');
    await bus.publish(command);
    await waitFor(() => worker.inFlight.MigrateDb === 1, { timeoutMs: 5000, description: 'the command to be in flight' });
    expect(worker.handled).toEqual({});
    release();
    await bus.idle();
    expect([worker.inFlight, worker.handled]).toEqual([{}, { MigrateDb: 1 }]);
    const [answer] = answers('DbMigrated');
    expect(answer.ok && [answer.message.type, answer.message.causationId, answer.message.runId]).toEqual(['DbMigrated', command.eventId, command.runId]);
    await worker.stop();
    await bus.close();
  });

  it('answers a coded failure with the route failure event, and a crash leaves nothing in flight', async () => {
    const { bus, worker, answers } = await startWorker(async (message) => {
      if (message.data.targetImageId === 'ami-crash') throw new Error('not coded');
      throw new CodedError('DB.VALIDATION_MISMATCH', 'green differs');
    });
    await bus.publish(fixtureMessage('MigrateDb'), fixtureMessage('MigrateDb', { data: { ...FIXTURE_DATA.MigrateDb, targetImageId: 'ami-crash' } }));
    await bus.idle();
    expect([worker.inFlight, worker.handled]).toEqual([{}, { MigrateDb: 1 }]);
    const [failed] = answers('DbMigrationFailed');
    expect(failed.ok && failed.message.type === 'DbMigrationFailed' && failed.message.data.failure.code).toBe('DB.VALIDATION_MISMATCH');
    expect(bus.broker.deadLetters().map((letter) => letter.code)).toEqual(['MSG.HANDLER_FAILED']);
    await worker.stop();
    await bus.close();
  });
});
