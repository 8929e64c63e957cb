// Runs the Neo4jFleet contract against the in-memory fake.
import { neo4jFleetContract } from '../fleet/neo4j-fleet.contract';
import { InMemoryGraphServers } from './in-memory-graph-database.fake';
import { InMemoryNeo4jFleet } from './in-memory-neo4j-fleet.fake';

neo4jFleetContract('in-memory fake', async () => {
  const fleet = new InMemoryNeo4jFleet(new InMemoryGraphServers());
  return {
    fleet,
    imageOf: async (version) => {
      const imageId = `ami-mem${fleet.images.size}`;
      fleet.images.set(imageId, version);
      return imageId;
    },
    unreachableImage: async () => {
      fleet.images.set('ami-never', '5.26.19');
      fleet.unreachableImages.add('ami-never');
      return 'ami-never';
    },
    missingImage: 'ami-missing',
  };
});
