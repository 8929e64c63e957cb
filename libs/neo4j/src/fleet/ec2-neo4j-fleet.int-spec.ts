// Runs the Neo4jFleet contract against the EC2 adapter on the emulator.
import { EC2Client } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '@dco/aws';
import { awsHostRuntime, Ec2Neo4jFleet } from './ec2-neo4j-fleet.adapter';
import { emulatedFleetUnderTest, emulatedProbe } from '../testing/emulated-fleet.fixture';
import { neo4jFleetContract } from './neo4j-fleet.contract';

const ec2 = new EC2Client(localEmulatorOptions());
const run = `ec2${Date.now().toString(36)}`;
let scopes = 0;
afterAll(() => ec2.destroy());

neo4jFleetContract('EC2 adapter on the emulator', async () => {
  scopes += 1;
  const scope = `${run}-${scopes}`;
  return emulatedFleetUnderTest(
    ec2,
    new Ec2Neo4jFleet(ec2, awsHostRuntime, { fleetTags: { 'dco:env': scope }, probe: emulatedProbe }),
    scope,
  );
});
