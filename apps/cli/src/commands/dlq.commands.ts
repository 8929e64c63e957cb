// `dco dlq list|redrive <Type>`: what a topic's dead-letter queue holds, and re-driving chosen messages after a fix.
// Reads Kafka at --brokers or KAFKA_BROKERS; exit codes as in cli-error.ts (2 usage, 5 broker unreachable).
import { Command } from 'commander';
import { isMessageType } from '@dco/contracts';
import { DeadLetterEntry, DeadLetterQueue, KafkaDeadLetterQueue, RedriveFilter } from '@dco/messaging';
import { CliError, EXIT, parsePositiveInt } from '../cli-error';
import { kafkaConnectionOf } from '../kafka-connection';

interface QueueOptions {
  brokers?: string;
  topicPrefix?: string;
  json?: boolean;
}

export type QueueFactory = (options: QueueOptions) => DeadLetterQueue;

const kafkaQueue: QueueFactory = (options) => {
  const { brokers, security } = kafkaConnectionOf(options.brokers);
  return new KafkaDeadLetterQueue({ brokers, clientId: 'dco-cli', security, topicPrefix: options.topicPrefix });
};

function messageType(value: string): string {
  if (!isMessageType(value))
    throw new CliError('CLI.UNKNOWN_TYPE', `"${value}" is not a message type (see dco version --json)`, EXIT.USAGE);
  return value;
}

async function withQueue<T>(
  factory: QueueFactory,
  options: QueueOptions,
  use: (queue: DeadLetterQueue) => Promise<T>,
): Promise<T> {
  const queue = factory(options);
  try {
    return await use(queue);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('CLI.KAFKA_UNAVAILABLE', `could not read the dead-letter queue: ${message}`, EXIT.UNAVAILABLE);
  } finally {
    await queue.close();
  }
}

function line(entry: DeadLetterEntry): string {
  const reason = entry.reason.length > 100 ? `${entry.reason.slice(0, 97)}...` : entry.reason;
  return `${`${entry.partition}:${entry.offset}`.padEnd(10)} ${entry.code.padEnd(22)} ${(entry.eventId ?? '-').padEnd(36)} ${reason}`;
}

function summary(entry: DeadLetterEntry) {
  return {
    position: `${entry.partition}:${entry.offset}`,
    code: entry.code,
    reason: entry.reason,
    eventId: entry.eventId ?? null,
    key: entry.key,
  };
}

export function register(program: Command, factory: QueueFactory = kafkaQueue): void {
  const dlq = program
    .command('dlq')
    .description("inspect and re-drive a message type's dead-letter queue (<Type>.dlq)");
  const common = (command: Command) =>
    command
      .option('--brokers <list>', 'Kafka brokers host:port[,host:port] (default: KAFKA_BROKERS)')
      .option('--topic-prefix <prefix>', 'topic namespace prefix, if the deployment uses one')
      .option('--json', 'machine-readable output');

  common(
    dlq.command('list <type>').description('list dead letters, oldest first, with position, code, eventId and reason'),
  )
    .option('--limit <n>', 'at most this many', (value) => parsePositiveInt('--limit', value))
    .action(async (type: string, options: QueueOptions & { limit?: number }) => {
      const entries = await withQueue(factory, options, (queue) =>
        queue.list(messageType(type), { limit: options.limit }),
      );
      if (options.json) console.log(JSON.stringify(entries.map(summary)));
      else if (entries.length === 0) console.log(`no dead letters in ${type}.dlq`);
      else for (const entry of entries) console.log(line(entry));
    });

  common(
    dlq
      .command('redrive <type>')
      .description('publish matching dead letters to their original topic again (after fixing the cause)'),
  )
    .option('--code <code>', 'only dead letters with this code, e.g. MSG.HANDLER_FAILED')
    .option('--event-id <id>', 'only the dead letter of this eventId')
    .option('--position <partition:offset...>', 'only these positions, as `dco dlq list` shows them')
    .option('--all', 'every dead letter of the topic (required when no filter is given)')
    .action(
      async (
        type: string,
        options: QueueOptions & { code?: string; eventId?: string; position?: string[]; all?: boolean },
      ) => {
        const filter: RedriveFilter = { code: options.code, eventId: options.eventId, positions: options.position };
        if (!options.all && !filter.code && !filter.eventId && !filter.positions) {
          throw new CliError(
            'CLI.FILTER_REQUIRED',
            'choose what to re-drive with --code, --event-id or --position, or pass --all',
            EXIT.USAGE,
          );
        }
        for (const position of filter.positions ?? []) {
          if (!/^\d+:\d+$/.test(position))
            throw new CliError('CLI.INVALID_POSITION', `a position is partition:offset, got "${position}"`, EXIT.USAGE);
        }
        const redriven = await withQueue(factory, options, (queue) => queue.redrive(messageType(type), filter));
        if (options.json) console.log(JSON.stringify({ redriven: redriven.map(summary) }));
        else console.log(`re-drove ${redriven.length} dead letter(s) to ${type}`);
      },
    );
}
