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

  // Per attempt (the e2e setup retries once): a retry must not run beside the first attempt's six processes.
  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(() => env.close());

  it('every message of the day conforms to its schema', async () => {
    const check = await asyncApiMessageCheck(buildAsyncApiDocument([EXTERNAL_CLOUD_EVENTS_ASYNCAPI]));
    const [orchestrator] = await Promise.all([env.start('orchestrator'), startWorkers(env)]);
    const day = futureDay();
    await env.tick(day);
    expect(await waitForRun(orchestrator, `dco-${day}`, finished)).toMatchObject({ status: 'Completed' });
    // The run's view can finish before the read-committed tap has read the run's last records: wait for the last one.
    await env.waitForMessage(`dco-${day}`, 'RunCompleted');
    const messages = env.messagesOf(`dco-${day}`);
    expect(messages.map((message) => message.type)).toEqual(expect.arrayContaining([...HAPPY_PATH_CHAIN]));
    expect(messages.flatMap((message) => check.errorsOf(JSON.parse(JSON.stringify(message))))).toEqual([]);
  });
});
