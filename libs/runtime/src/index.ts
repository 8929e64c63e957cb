// Runtime helpers shared by the services, the local stack and the tests: waiting with a deadline, free ports and probes, stopping process groups.
export * from './wait-for';
export * from './net';
export * from './process-group';
