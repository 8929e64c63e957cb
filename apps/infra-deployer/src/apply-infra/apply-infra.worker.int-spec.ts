// ApplyInfra through the service's command worker on the bus, with real tofu and the emulator: a broken configuration
// answers InfraApplyFailed carrying the plan's error, caused by the command; a good one answers InfraApplied.
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AnyMessage, createMessage, parseMessage, systemClock } from '@dco/contracts';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InMemoryMessageBus, startBusTransport } from '@dco/messaging';
import {
  APPLY_INFRA_PORT,
  APPLY_TO_STAGING_PORT,
  ApplyInfraPort,
  ApplyToStagingPort,
  ROLLBACK_INFRA_PORT,
  RollbackInfraPort,
} from '@dco/platform';
import { InfraDeployerController } from '../infra-deployer.controller';
import { localInfra } from './local-infra.fixture';

jest.setTimeout(180_000);

describe('infra-deployer worker with the real ApplyInfra', () => {
  const ids = { next: () => randomUUID() };
  const bus = new InMemoryMessageBus();
  let infra: Awaited<ReturnType<typeof localInfra>>;
  let worker: INestApplication;

  beforeAll(async () => {
    infra = await localInfra();
    const applyInfra: ApplyInfraPort = (command) => infra.applyInfra.execute(command.runId, command.data);
    const rollbackInfra: RollbackInfraPort = (command) => infra.rollbackInfra.execute(command.runId, command.data);
    // The controller also takes ApplyToStaging (ADR 0032); this spec sends none.
    const applyToStaging: ApplyToStagingPort = (command) =>
      Promise.reject(new Error(`ApplyToStaging ${command.eventId} is not part of this spec`));
    @Module({
      controllers: [InfraDeployerController],
      providers: [
        { provide: APPLY_INFRA_PORT, useValue: applyInfra },
        { provide: ROLLBACK_INFRA_PORT, useValue: rollbackInfra },
        { provide: APPLY_TO_STAGING_PORT, useValue: applyToStaging },
      ],
    })
    class WorkerModule {}
    worker = await NestFactory.create(WorkerModule, { logger: false, abortOnError: false });
    await startBusTransport(worker, { bus, clock: systemClock, ids, groupOf: (service) => `it.${service}` });
  });
  afterAll(async () => {
    await worker.close();
    await bus.close();
    await infra.close();
  });

  async function answerTo(eventId: string, type: string): Promise<AnyMessage> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const answer = bus.broker
        .records(type)
        .map((record) => parseMessage(record.value))
        .flatMap((parsed) => (parsed.ok ? [parsed.message] : []))
        .find((message) => message.causationId === eventId);
      if (answer) return answer;
      if (Date.now() > deadline) throw new Error(`no ${type} answered ${eventId}`);
      await delay(100);
    }
  }

  it('answers a broken configuration with InfraApplyFailed and the plan error', async () => {
    await writeFile(
      join(infra.configDir, 'broken.tf'),
      'resource "terraform_data" "broken" {\n  input = var.does_not_exist\n}\n',
    );
    const command = createMessage(
      'ApplyInfra',
      { day: '2026-11-10', changes: [] },
      { runId: 'dco-2026-11-10', producer: 'orchestrator' },
      { clock: systemClock, ids },
    );
    await bus.publish(command);
    const failed = await answerTo(command.eventId, 'InfraApplyFailed');
    expect(failed).toMatchObject({
      runId: 'dco-2026-11-10',
      data: { failure: { code: 'INFRA.PLAN_FAILED', detail: expect.stringContaining('does_not_exist') } },
    });
    await rm(join(infra.configDir, 'broken.tf'));
  });

  it('answers a good configuration with InfraApplied', async () => {
    const command = createMessage(
      'ApplyInfra',
      { day: '2026-11-11', changes: [] },
      { runId: 'dco-2026-11-11', producer: 'orchestrator' },
      { clock: systemClock, ids },
    );
    await bus.publish(command);
    const applied = await answerTo(command.eventId, 'InfraApplied');
    expect(applied).toMatchObject({
      data: { configHash: await infra.workspace.currentHash(), plan: { adds: expect.any(Number) } },
    });
  });
});
