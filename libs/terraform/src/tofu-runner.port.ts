// The OpenTofu operations the infra-deployer and the detector need, on one working directory and one state file.

/**
 * Remote state in S3 with S3-native locking (use_lockfile: a conditional put of <key>.tflock). Written at init as a
 * backend override file in the working directory, replacing the configuration's local backend. ADR 0016.
 */
export interface S3Backend {
  bucket: string;
  /** The state object's key, e.g. infra/terraform.tfstate. */
  key: string;
  region: string;
  /** A custom S3 endpoint (the local emulator): path-style addressing and no AWS account checks. */
  endpoint?: string;
}

export interface TofuWorkdir {
  /** Directory holding the *.tf files (and .terraform after init). */
  dir: string;
  /** Local backend state file; outside the working directory so every config copy shares it. With `backend`, only its
   * directory is used (the CLI config). */
  statePath: string;
  /** State in S3 instead of the local file. */
  backend?: S3Backend;
  /** How long plan and apply wait for the state lock before INFRA.STATE_LOCKED (default 60 s). */
  lockTimeoutMs?: number;
  /** -var values; also readable from *.auto.tfvars / terraform.tfvars.json in the dir. */
  vars?: Record<string, string>;
  /** Extra environment for provisioners (e.g. DCO_AWS_ENDPOINT). */
  env?: Record<string, string>;
  /** Resources the plan replaces even when unchanged (`-replace`): the re-apply of drift. */
  replace?: string[];
  /** Interrupts a running command (tofu stops gracefully and releases its state lock). */
  signal?: AbortSignal;
}

export interface PlanResult {
  hasChanges: boolean;
  /** Human-readable plan text (for logs and failures). */
  text: string;
}

/** The subset of `tofu show -json <plan>` (format 1.x) we read. */
export interface PlanJson {
  format_version: string;
  resource_changes?: {
    address: string;
    type: string;
    change: { actions: string[] };
    action_reason?: string;
  }[];
}

export interface TofuRunner {
  /** Throws CodedError INFRA.INIT_FAILED with the tool's output. */
  init(workdir: TofuWorkdir): Promise<void>;
  /** Saved plan at planPath; throws INFRA.PLAN_FAILED with the plan's error text. */
  plan(workdir: TofuWorkdir, planPath: string): Promise<PlanResult>;
  show(workdir: TofuWorkdir, planPath: string): Promise<PlanJson>;
  /**
   * Applies exactly the saved plan; throws INFRA.APPLY_FAILED with the apply's output, INFRA.STATE_LOCKED when another
   * operation held the state lock past the lock timeout, INFRA.PLAN_STALE when the state changed since the plan.
   */
  apply(workdir: TofuWorkdir, planPath: string): Promise<{ output: string }>;
  /** Resource addresses in the state (tofu state list). */
  stateResources(workdir: TofuWorkdir): Promise<string[]>;
  outputs(workdir: TofuWorkdir): Promise<Record<string, unknown>>;
}
