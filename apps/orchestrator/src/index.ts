// The orchestrator's public API for other apps and tools: its Nest module and validated config, for the embedded profile.
export { OrchestratorConfig } from './orchestrator.config';
export { OrchestratorModule } from './orchestrator.module';
export { AsyncApiController } from './bus-contract/asyncapi.controller';
export { DashboardController } from './dashboard/dashboard.controller';
export { RunsController } from './runs-api/runs.controller';
export { KafkaSagaStore } from './run-saga/kafka-saga-store.adapter';
export { SAGA_STATE_TOPIC } from './run-saga/saga-store.port';
export { AuditController } from './audit-query/audit.controller';
export { AuditQuery } from './audit-query/audit-query.service';
export { AuditEntryView } from './audit-query/audit-entry.view';
export { HealController } from './heal/heal.controller';
