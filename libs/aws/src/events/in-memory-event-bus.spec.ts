// Runs the EventBus contract against the in-memory fake.
import { eventBusContract } from './event-bus.contract';
import { InMemoryEventBus } from './in-memory-event-bus.fake';

eventBusContract('in-memory fake', async () => new InMemoryEventBus());
