// The in-memory SagaStore passes the SagaStore contract.
import { InMemoryMessageBus } from '@dco/messaging';
import { InMemorySagaStore } from './in-memory-saga-store.adapter';
import { sagaStoreContract } from './saga-store.contract';

sagaStoreContract(
  'in-memory',
  async () => {
    const bus = new InMemoryMessageBus();
    return { bus, store: () => new InMemorySagaStore(bus), close: () => bus.close() };
  },
  2_000,
);
