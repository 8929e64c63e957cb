// The detector's public API for the operator CLI: detection on demand, and signing reports for its external inbox.
export { detectorForProfile } from './detect-changes/detect-changes.factory';
export { signatureMatches, signReport } from './external-inbox/external-signature';
