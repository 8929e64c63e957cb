// The HTTP boundary every service shares: named credentials, the global guard, sessions, rate limits, TLS.
export * from './api-credentials';
export * from './api-error';
export * from './api-auth.decorators';
export * from './api-authenticator';
export * from './oidc-verifier';
export * from './api-auth.guard';
export * from './session.controller';
export * from './tls';
export * from './keep-alive';
