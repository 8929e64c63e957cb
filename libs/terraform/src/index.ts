// OpenTofu: the runner port, the real CLI adapter, the plan/apply simulator, plan summaries and config fingerprints.
export * from './tofu-runner.port';
export * from './cli-tofu-runner.adapter';
export * from './simulated-tofu-runner.fake';
export * from './plan-summary';
export * from './config-fingerprint';
export * from './terraform-workspace';
