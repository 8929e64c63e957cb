// Runs the Ec2Inventory contract against the SDK adapter on the local AWS emulator.
import {
  CreateTagsCommand,
  EC2Client,
  RegisterImageCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '../aws-client.config';
import { DEPRECATION_TAG } from './ec2-inventory.port';
import { ec2InventoryContract } from './ec2-inventory.contract';
import { SdkEc2Inventory } from './sdk-ec2-inventory.adapter';

const client = new EC2Client(localEmulatorOptions());
afterAll(() => client.destroy());

ec2InventoryContract('SDK adapter on the emulator', async () => ({
  inventory: new SdkEc2Inventory(client),
  owner: 'self',
  seed: {
    addImage: async ({ name, tags, deprecationTime }) => {
      const { ImageId } = await client.send(new RegisterImageCommand({ Name: name, RootDeviceName: '/dev/xvda' }));
      if (!ImageId) throw new Error('RegisterImage returned no ImageId');
      // moto 5.2.5 implements neither EnableImageDeprecation nor DeprecationTime: the adapter's tag fallback stands in.
      const allTags = { ...tags, ...(deprecationTime ? { [DEPRECATION_TAG]: deprecationTime } : {}) };
      if (Object.keys(allTags).length > 0) {
        await client.send(
          new CreateTagsCommand({
            Resources: [ImageId],
            Tags: Object.entries(allTags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      }
      return ImageId;
    },
    addInstance: async ({ imageId, instanceType, tags }) => {
      const result = await client.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: instanceType as 't3.large',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
          ],
        }),
      );
      const id = result.Instances?.[0]?.InstanceId;
      if (!id) throw new Error('RunInstances returned no instance');
      return id;
    },
    terminate: async (instanceId) => {
      await client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    },
  },
}));
