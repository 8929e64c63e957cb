// In-memory instance type offerings for unit tests and the embedded profile; passes the same contract as the SDK adapter.
import { InstanceTypeOfferings } from './instance-type-offerings.port';

export class InMemoryInstanceTypeOfferings implements InstanceTypeOfferings {
  private readonly types: Set<string> | 'all';

  /** `'all'` (the embedded profile) offers every type; a list offers only those. */
  constructor(
    offered: Iterable<string> | 'all',
    readonly region = 'us-east-1',
  ) {
    this.types = offered === 'all' ? 'all' : new Set(offered);
  }

  /** AWS stops offering a type in the region. */
  withdraw(instanceType: string): void {
    if (this.types === 'all') throw new Error('an offer-everything fake cannot withdraw a type');
    this.types.delete(instanceType);
  }

  async offered(instanceTypes: string[]): Promise<Set<string>> {
    const types = this.types;
    return new Set(instanceTypes.filter((type) => types === 'all' || types.has(type)));
  }
}
