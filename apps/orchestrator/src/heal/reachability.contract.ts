// The behaviour every Reachability must show; run against the in-memory fake (unit) and the TCP and Bolt probes (int).
import { Reachability } from './reachability.port';

/** A probe and a target that answers and one that does not (a port nobody listens on). */
export interface ReachabilityDriver {
  probe: Reachability;
  live: string;
  dead: string;
}

export function reachabilityContract(label: string, make: () => Promise<ReachabilityDriver>, timeoutMs = 5_000): void {
  describe(`Reachability contract: ${label}`, () => {
    it(
      'answers true for a live target and false, without throwing, for a dead one',
      async () => {
        const { probe, live, dead } = await make();
        expect(await probe.reachable(live)).toBe(true);
        expect(await probe.reachable(dead)).toBe(false);
      },
      timeoutMs,
    );
  });
}
