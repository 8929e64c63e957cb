// Runs the EcsServices contract against the in-memory fake.
import { ecsServicesContract } from './ecs-services.contract';
import { InMemoryEcsServices } from './in-memory-ecs-services.fake';

const shared = new InMemoryEcsServices();
ecsServicesContract('in-memory fake', async () => shared);
