// Which instance types the region still offers (DescribeInstanceTypeOfferings): a type no longer offered cannot be relaunched.

export interface InstanceTypeOfferings {
  /** The region these answers are about. */
  readonly region: string;
  /**
   * Of `instanceTypes`, those the region offers; a type it does not offer (or that does not exist) is simply absent.
   * An empty question is answered without asking AWS.
   */
  offered(instanceTypes: string[]): Promise<Set<string>>;
}

/** EC2 instance type names: family (with generation and options) dot size, e.g. r6i.large, m7g.metal-48xl. */
export const INSTANCE_TYPE_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
