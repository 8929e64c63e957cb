// The embedded app's public API for other apps and tools: a run's messages as live console lines.
export { FINAL_TYPES, formatLine } from './run-console';
