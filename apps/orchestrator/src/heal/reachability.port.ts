// Whether a server answers: the healer's probe of the Kafka brokers and of the Neo4j servers the pointer names.

export interface Reachability {
  /** True when the target answers within the probe's timeout; never throws for an unreachable target. */
  reachable(target: string): Promise<boolean>;
}
