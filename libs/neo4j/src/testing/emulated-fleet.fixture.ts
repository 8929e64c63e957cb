// The contract's setup for the fleets on the emulator: AMIs registered in moto, and a Bolt probe that answers for every version
// but the one the unreachable image carries (the emulator's instances and services run no Neo4j; the blue-green int-spec does).
import { CreateTagsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { FleetUnderTest } from '../fleet/neo4j-fleet.contract';
import { Neo4jFleet, VERSION_TAG } from '../fleet/neo4j-fleet.port';

const NEVER_ANSWERS = '0.0.0-never-answers';

export const emulatedProbe = async (_boltUri: string, version: string): Promise<void> => {
  if (version === NEVER_ANSWERS) throw new Error('connection refused');
};

export function emulatedFleetUnderTest(ec2: EC2Client, fleet: Neo4jFleet, scope: string): FleetUnderTest {
  const register = async (version: string) => {
    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-${scope}-${version}` }));
    const imageId = image.ImageId ?? '';
    await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: VERSION_TAG, Value: version }] }));
    return imageId;
  };
  return {
    fleet,
    imageOf: register,
    unreachableImage: () => register(NEVER_ANSWERS),
    missingImage: 'ami-0000000000000dead',
  };
}
