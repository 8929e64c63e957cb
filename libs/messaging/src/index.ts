// The messaging lib: the MessageBus port, its Kafka and in-memory adapters, the contract spec both pass, and the bus as a Nest transport.
export * from './message-bus.port';
export * from './in-memory-broker';
export * from './in-memory-message-bus.adapter';
export * from './retry-backoff';
export * from './wire-record';
export * from './kafka-message-bus.adapter';
export * from './dead-letter-queue.port';
export * from './in-memory-dead-letter-queue.adapter';
export * from './kafka-dead-letter-queue.adapter';
export * from './bus-transport.context';
export * from './bus-transport.server';
export * from './bus-transport.client';
export * from './bus-transport';
export * from './asyncapi/asyncapi.document';
export * from './kafka-topics';
export * from './kafka-security';
export * from './kafka-acls';
