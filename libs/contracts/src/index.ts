// Message contracts shared by every service: envelope, message types, codes, parsing, upcasting, factory.
export * from './codes';
export * from './envelope';
export * from './factory';
export * from './kernel';
export * from './parse';
export * from './registry';
export * from './run-id';
export * from './upcasters';
export * from './messages/common';
export * from './messages/scheduler.messages';
export * from './messages/detector.messages';
export * from './messages/infra.messages';
export * from './messages/db.messages';
export * from './messages/dco.messages';
export * from './messages/run.messages';
export * from './fixtures';
export * from './errors';
