// OpenTofu: the runner port, the real CLI adapter, the plan/apply simulator, plan summaries, config fingerprints and the workspace's variables.
export * from './tofu-runner.port';
export * from './cli-tofu-runner.adapter';
export * from './simulated-tofu-runner.fake';
export * from './plan-summary';
export * from './drift-replace';
export * from './config-fingerprint';
export * from './terraform-workspace';
export * from './infra-workspace.config';
export * from './remote-workspace';
export * from './dir-object-store.adapter';
