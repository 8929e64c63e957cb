// The bus's AsyncAPI document against real traffic: every message of a day played by the six app processes on the
// real Kafka (simulated stages) validates against the payload schema the document gives its type.
import { EXTERNAL_CLOUD_EVENTS_ASYNCAPI } from '../apps/detector/src/external-inbox/external-cloud-events.asyncapi';
import { buildAsyncApiDocument } from '@dco/messaging';
import { asyncApiMessageCheck } from '@dco/testing';
import {
  HAPPY_PATH_CHAIN,
  SagaE2eEnvironment,
  finished,
  futureDay,
  startWorkers,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(600_000);

describe('AsyncAPI document against a day on the real Kafka', () => {
  let env: SagaE2eEnvironment;

  beforeAll(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterAll(() => env.close());

  it('every message of the day conforms to its schema', async () => {
    const check = await asyncApiMessageCheck(buildAsyncApiDocument([EXTERNAL_CLOUD_EVENTS_ASYNCAPI]));
    const [orchestrator] = await Promise.all([env.start('orchestrator'), startWorkers(env)]);
    const day = futureDay();
    await env.tick(day);
    expect(await waitForRun(orchestrator, `dco-${day}`, finished)).toMatchObject({ status: 'Completed' });
    const messages = env.messagesOf(`dco-${day}`);
    expect(messages.map((message) => message.type)).toEqual(expect.arrayContaining([...HAPPY_PATH_CHAIN]));
    expect(messages.flatMap((message) => check.errorsOf(JSON.parse(JSON.stringify(message))))).toEqual([]);
  });
});
