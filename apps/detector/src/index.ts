// The detector's public API for the operator CLI and the benchmark: detection on demand, and signing reports for its inbox.
export { DetectChangesEnvironmentConfig } from './detect-changes/detect-changes.config';
export { buildDetectChanges, detectorFromEnv } from './detect-changes/detect-changes.factory';
export { InMemoryExternalReportStore } from './external-inbox/external-report.store';
export { signatureMatches, signReport } from './external-inbox/external-signature';
export { readHttpCloudEvent, signedCloudEvent } from './external-inbox/external-cloud-event';
export { DetectorConfig } from './detector.config';
export { DetectorModule } from './detector.module';
export { ExternalChangesController } from './external-inbox/external-changes.controller';
export { EXTERNAL_CLOUD_EVENTS_ASYNCAPI } from './external-inbox/external-cloud-events.asyncapi';
