// Runs the Ec2Inventory contract against the in-memory fake.
import { ec2InventoryContract } from './ec2-inventory.contract';
import { FAKE_ACCOUNT_ID, InMemoryEc2Inventory } from './in-memory-ec2-inventory.fake';

ec2InventoryContract('in-memory fake', async () => {
  const inventory = new InMemoryEc2Inventory();
  return {
    inventory,
    owner: FAKE_ACCOUNT_ID,
    seed: {
      addImage: async (image) => inventory.addImage({ ...image, creationDate: new Date().toISOString() }),
      addInstance: async (instance) => inventory.addInstance(instance),
      terminate: async (id) => inventory.terminate(id),
    },
  };
});
