// The in-memory dead-letter queue passes the DeadLetterQueue contract.
import { deadLetterQueueContract } from './dead-letter-queue.contract';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryDeadLetterQueue } from './in-memory-dead-letter-queue.adapter';
import { InMemoryMessageBus } from './in-memory-message-bus.adapter';

deadLetterQueueContract(
  'in-memory',
  async () => {
    const broker = new InMemoryBroker();
    return {
      bus: new InMemoryMessageBus({ broker }),
      queue: new InMemoryDeadLetterQueue(broker),
      close: () => broker.idle(),
    };
  },
  2_000,
);
