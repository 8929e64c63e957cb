// In-memory EC2 inventory for unit tests and the embedded profile; behaves like the SDK adapter on the contract spec.
import {
  Ec2Inventory,
  FleetInstance,
  ImageQuery,
  InstanceQuery,
  LIVE_INSTANCE_STATES,
  MachineImage,
  namePatternToRegExp,
} from './ec2-inventory.port';

export const FAKE_ACCOUNT_ID = '123456789012';

export class InMemoryEc2Inventory implements Ec2Inventory {
  private readonly images = new Map<string, MachineImage & { owner: string }>();
  private readonly instances = new Map<string, FleetInstance>();
  private sequence = 0;

  addImage(image: Omit<MachineImage, 'imageId' | 'tags'> & { tags?: Record<string, string>; owner?: string }): string {
    const imageId = `ami-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.images.set(imageId, { ...image, imageId, tags: image.tags ?? {}, owner: image.owner ?? FAKE_ACCOUNT_ID });
    return imageId;
  }

  addInstance(instance: Omit<FleetInstance, 'instanceId' | 'state'> & { state?: string }): string {
    const instanceId = `i-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.instances.set(instanceId, { ...instance, instanceId, state: instance.state ?? 'running' });
    return instanceId;
  }

  terminate(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (instance) instance.state = 'terminated';
  }

  async findImages(query: ImageQuery): Promise<MachineImage[]> {
    const name = namePatternToRegExp(query.namePattern);
    const owners = query.owners.map((owner) => (owner === 'self' ? FAKE_ACCOUNT_ID : owner));
    return [...this.images.values()]
      .filter((image) => owners.includes(image.owner) && name.test(image.name))
      .map(({ owner: _owner, ...image }) => structuredClone(image));
  }

  async findImagesById(imageIds: string[]): Promise<MachineImage[]> {
    return imageIds
      .map((id) => this.images.get(id))
      .filter((image): image is MachineImage & { owner: string } => image !== undefined)
      .map(({ owner: _owner, ...image }) => structuredClone(image));
  }

  async findInstances(query: InstanceQuery): Promise<FleetInstance[]> {
    const states = query.states ?? LIVE_INSTANCE_STATES;
    return [...this.instances.values()]
      .filter((instance) => states.includes(instance.state))
      .filter((instance) => Object.entries(query.tags).every(([key, value]) => instance.tags[key] === value))
      .map((instance) => structuredClone(instance));
  }
}
