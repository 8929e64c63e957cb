// The bus transport on the in-memory bus: outcomes caused by the command, coded failures as failure events, and the
// handled / in-flight counts the health check (and the fault specs) read.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CodedError, fixtureMessage, FIXTURE_DATA, MessageOf, parseMessage, systemClock } from '@dco/contracts';
import { waitFor } from '@dco/testing';
import { randomUUID } from 'node:crypto';
import { handledBy, outcome } from './bus-transport.context';
import { startBusTransport } from './bus-transport';
import { CommandController } from './bus-transport.server';
import { InMemoryMessageBus } from './in-memory-message-bus.adapter';

async function startWorker(handle: (message: MessageOf<'MigrateDb'>) => Promise<void>) {
  const bus = new InMemoryMessageBus();
  @CommandController()
  class MigrateDbController {
    @EventPattern(
      'MigrateDb',
      handledBy('db-migrator', {
        onFailure: (failure) => ({ type: 'DbMigrationFailed', data: { failure, phase: 'restore' } }),
      }),
    )
    async onMigrateDb(@Payload() message: MessageOf<'MigrateDb'>) {
      await handle(message);
      return outcome('DbMigrated', FIXTURE_DATA.DbMigrated);
    }
  }
  @Module({ controllers: [MigrateDbController] })
  class WorkerModule {}
  const app = await NestFactory.create(WorkerModule, { logger: false, abortOnError: false });
  const server = await startBusTransport(app, {
    bus,
    groupOf: (service) => `bus-transport-spec.${service}`,
    clock: systemClock,
    ids: { next: () => randomUUID() },
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
  });
  const counts = server.services.get('db-migrator');
  if (!counts) throw new Error('the transport did not pick up the db-migrator handler');
  const worker = { ...counts, stop: () => app.close() };
  const answers = (type: string) => bus.broker.records(type).map((record) => parseMessage(record.value));
  return { bus, worker, answers };
}

describe('BusTransportServer', () => {
  it('counts a command in flight while its use case runs, then as handled, and answers caused by it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { bus, worker, answers } = await startWorker(() => gate);
    const command = fixtureMessage('MigrateDb');
    await bus.publish(command);
    await waitFor(() => worker.inFlight.MigrateDb === 1, {
      timeoutMs: 5000,
      description: 'the command to be in flight',
    });
    expect(worker.handled).toEqual({});
    release();
    await bus.idle();
    expect([worker.inFlight, worker.handled]).toEqual([{}, { MigrateDb: 1 }]);
    const [answer] = answers('DbMigrated');
    expect(answer.ok && [answer.message.type, answer.message.causationId, answer.message.runId]).toEqual([
      'DbMigrated',
      command.eventId,
      command.runId,
    ]);
    await worker.stop();
    await bus.close();
  });

  it('retries a command whose use case reports a transient code, and answers once it succeeds', async () => {
    let calls = 0;
    const { bus, worker, answers } = await startWorker(async () => {
      calls += 1;
      if (calls === 1) throw new CodedError('DB.WRITES_FROZEN', 'writes are frozen for the switch');
    });
    await bus.publish(fixtureMessage('MigrateDb'));
    await bus.idle();
    expect([calls, answers('DbMigrationFailed'), answers('DbMigrated').length, worker.handled]).toEqual([
      2,
      [],
      1,
      { MigrateDb: 1 },
    ]);
    await worker.stop();
    await bus.close();
  });

  it('answers a coded failure with the failure event of its handler, and a crash leaves nothing in flight', async () => {
    const { bus, worker, answers } = await startWorker(async (message) => {
      if (message.data.targetImageId === 'ami-crash') throw new Error('not coded');
      throw new CodedError('DB.VALIDATION_MISMATCH', 'green differs');
    });
    await bus.publish(
      fixtureMessage('MigrateDb'),
      fixtureMessage('MigrateDb', { data: { ...FIXTURE_DATA.MigrateDb, targetImageId: 'ami-crash' } }),
    );
    await bus.idle();
    expect([worker.inFlight, worker.handled]).toEqual([{}, { MigrateDb: 1 }]);
    const [failed] = answers('DbMigrationFailed');
    expect(failed.ok && failed.message.type === 'DbMigrationFailed' && failed.message.data.failure.code).toBe(
      'DB.VALIDATION_MISMATCH',
    );
    expect(bus.broker.deadLetters().map((letter) => letter.code)).toEqual(['MSG.HANDLER_FAILED']);
    await worker.stop();
    await bus.close();
  });
});
