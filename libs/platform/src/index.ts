// Service platform: config validation, Nest bootstrap, /health, the command workers and simulated stage outcomes.
export * from './bootstrap';
export * from './command-worker';
export * from './config';
export * from './health';
export * from './ids';
export * from './platform.module';
export * from './simulation';
export * from './tokens';
export * from './stage-ports';
export * from './bus.factory';
export * from './openapi/openapi.document';
export * from './openapi/openapi.publisher';
export * from './http';
