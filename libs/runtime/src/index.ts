// Runtime helpers shared by the services, the local stack and the tests: waiting with a deadline, free ports and probes, process groups.
export * from './wait-for';
export * from './net';
