// dco dlq list / redrive on the in-memory dead-letter queue: output, filters, and usage errors with their exit codes.
import { fixtureMessage } from '@dco/contracts';
import { InMemoryBroker, InMemoryDeadLetterQueue, InMemoryMessageBus } from '@dco/messaging';
import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { CliError, EXIT } from '../cli-error';
import { register } from './dlq.commands';

describe('dco dlq', () => {
  let broker: InMemoryBroker;
  let logs: string[];
  const run = async (...args: string[]) => {
    const program = new Command('dco').exitOverride();
    register(program, () => new InMemoryDeadLetterQueue(broker));
    await program.parseAsync(args, { from: 'user' });
  };

  beforeEach(async () => {
    broker = new InMemoryBroker();
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
    const bus = new InMemoryMessageBus({ broker });
    await bus.subscribe({
      group: 'dco-runner',
      types: ['RunDco'],
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      handler: async () => {
        throw new Error('executor crashed');
      },
    });
    await bus.publish(fixtureMessage('RunDco', { eventId: randomUUID() }));
    await bus.idle();
    await bus.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists the dead letters with position, code and reason', async () => {
    await run('dlq', 'list', 'RunDco');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^\d+:0\s+MSG\.HANDLER_FAILED\s+[0-9a-f-]{36} handler failed after 1 attempt\(s\): Error: executor crashed/,
    );
  });

  it('re-drives by code and prints how many, as JSON when asked', async () => {
    await run('dlq', 'redrive', 'RunDco', '--code', 'MSG.HANDLER_FAILED', '--json');
    const output = JSON.parse(logs[0]) as { redriven: { code: string }[] };
    expect(output.redriven.map((r) => r.code)).toEqual(['MSG.HANDLER_FAILED']);
    expect(broker.records('RunDco')).toHaveLength(2);
  });

  it.each([
    [['dlq', 'redrive', 'RunDco'], 'CLI.FILTER_REQUIRED'],
    [['dlq', 'list', 'NoSuchType'], 'CLI.UNKNOWN_TYPE'],
    [['dlq', 'redrive', 'RunDco', '--position', 'zero'], 'CLI.INVALID_POSITION'],
  ])('refuses %j with %s (exit 2)', async (args, code) => {
    await expect(run(...args)).rejects.toEqual(expect.objectContaining({ code, exitCode: EXIT.USAGE }));
    await expect(run(...args)).rejects.toBeInstanceOf(CliError);
  });
});
