// Injection tokens of the dashboard's providers that have no port of their own.

/** The infrastructure panel's LiveInfrastructureReader (dashboard.providers builds it for the profile). */
export const LIVE_INFRASTRUCTURE_READER = Symbol('LiveInfrastructureReader');
