// A script run on a fleet member's own machine (EC2: SSM Run Command). The offline import runs there: it needs the instance's
// disk and its own version's neo4j-admin, which only the instance has.

export type InstanceCommandStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

export interface InstanceCommandResult {
  status: InstanceCommandStatus;
  /** The script's exit code (-1 when it has none: timed out or cancelled). */
  exitCode: number;
  /** The ends of its output, as far as the service keeps them. */
  stdout: string;
  stderr: string;
  /** The service's id for the run (SSM's command id), for an operator to look it up. */
  commandId: string;
}

export interface InstanceCommands {
  /** Runs a bash script as root on the instance and resolves with its outcome once it has ended (or timed out). */
  runBash(
    instanceId: string,
    script: string,
    options: { timeoutSeconds: number; comment: string },
  ): Promise<InstanceCommandResult>;
}
