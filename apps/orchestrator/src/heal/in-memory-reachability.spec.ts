// Runs the Reachability contract against the in-memory fake.
import { InMemoryReachability } from './in-memory-reachability.fake';
import { reachabilityContract } from './reachability.contract';

reachabilityContract('in-memory fake', async () => {
  const probe = new InMemoryReachability();
  probe.setUp('live:1', true);
  probe.setUp('dead:2', true);
  probe.setUp('dead:2', false);
  return { probe, live: 'live:1', dead: 'dead:2' };
});
