// The pure run saga: state, policy, run plan, decider and timers (no I/O, no framework).
export * from './run-state';
export * from './run-policy';
export * from './run-plan';
export * from './saga-rejection';
export * from './decide';
export * from './timers';
export * from './zoned-time';
export * from './day-context';
export * from './catch-up';
export * from './update-window/load-forecast';
export * from './update-window/choose-window';
export * from './audit';
