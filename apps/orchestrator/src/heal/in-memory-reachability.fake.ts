// Reachability in memory for unit specs: the targets a spec declares up answer, every other one does not.
import { Reachability } from './reachability.port';

export class InMemoryReachability implements Reachability {
  private readonly up = new Set<string>();

  setUp(target: string, up: boolean): void {
    if (up) this.up.add(target);
    else this.up.delete(target);
  }

  async reachable(target: string): Promise<boolean> {
    return this.up.has(target);
  }
}
