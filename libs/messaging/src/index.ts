// The messaging lib: the MessageBus port, its Kafka and in-memory adapters, and the contract spec both pass.
export * from './message-bus.port';
export * from './in-memory-broker';
export * from './in-memory-message-bus.adapter';
export * from './retry-backoff';
export * from './wire-record';
export * from './kafka-message-bus.adapter';
export * from './dead-letter-queue.port';
export * from './in-memory-dead-letter-queue.adapter';
export * from './kafka-dead-letter-queue.adapter';
export * from './asyncapi/asyncapi.document';
export * from './kafka-topics';
