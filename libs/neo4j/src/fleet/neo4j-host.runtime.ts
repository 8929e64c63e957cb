// Where a fleet member's Neo4j actually runs: shared by the EC2 and ECS fleets (AWS starts it itself; locally a process does).

/** A fleet member as the runtime sees it: an EC2 instance or an ECS service, with the tags it carries. */
export interface LaunchedHost {
  instanceId: string;
  privateIp?: string;
  tags: Record<string, string>;
}

/**
 * Where Neo4j actually runs for a fleet member. In AWS the AMI's user data (EC2) or the task (ECS) starts it; locally a server
 * process of the image's version is started on this machine and its Bolt URI recorded as a tag on the emulator's resource.
 */
export interface Neo4jHostRuntime {
  userData(version: string): string;
  /** Starts (or finds) Neo4j for the member; returns its Bolt URI and tags to record. */
  start(host: LaunchedHost, version: string): Promise<{ boltUri: string; tags: Record<string, string> }>;
  stop(host: LaunchedHost): Promise<void>;
}
