// EC2 inventory over the AWS SDK v3 (real AWS, or the moto emulator through its endpoint).
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client, Filter, Image, Tag } from '@aws-sdk/client-ec2';
import { AwsClientOptions } from '../aws-client.config';
import {
  DEPRECATION_TAG,
  Ec2Inventory,
  FleetInstance,
  ImageQuery,
  InstanceQuery,
  LIVE_INSTANCE_STATES,
  MachineImage,
} from './ec2-inventory.port';

export class SdkEc2Inventory implements Ec2Inventory {
  constructor(private readonly client: EC2Client) {}

  static fromOptions(options: AwsClientOptions): SdkEc2Inventory {
    return new SdkEc2Inventory(new EC2Client(options));
  }

  async findImages(query: ImageQuery): Promise<MachineImage[]> {
    const result = await this.client.send(
      new DescribeImagesCommand({
        Owners: query.owners,
        Filters: [{ Name: 'name', Values: [query.namePattern] }],
        IncludeDeprecated: true,
      }),
    );
    return (result.Images ?? []).map(toMachineImage);
  }

  async findImagesById(imageIds: string[]): Promise<MachineImage[]> {
    if (imageIds.length === 0) return [];
    // Filter instead of ImageIds: an id that no longer exists must not fail the whole call.
    const result = await this.client.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: imageIds }], IncludeDeprecated: true }),
    );
    return (result.Images ?? []).map(toMachineImage);
  }

  async findInstances(query: InstanceQuery): Promise<FleetInstance[]> {
    const filters: Filter[] = [
      { Name: 'instance-state-name', Values: query.states ?? LIVE_INSTANCE_STATES },
      ...Object.entries(query.tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    ];
    const instances: FleetInstance[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new DescribeInstancesCommand({ Filters: filters, NextToken: nextToken }));
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          instances.push({
            instanceId: instance.InstanceId ?? '',
            imageId: instance.ImageId ?? '',
            instanceType: instance.InstanceType ?? '',
            state: instance.State?.Name ?? 'unknown',
            tags: tagMap(instance.Tags),
          });
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return instances;
  }
}

function toMachineImage(image: Image): MachineImage {
  const tags = tagMap(image.Tags);
  const deprecationTime = image.DeprecationTime ?? tags[DEPRECATION_TAG];
  return {
    imageId: image.ImageId ?? '',
    name: image.Name ?? '',
    creationDate: image.CreationDate ?? new Date(0).toISOString(),
    ...(deprecationTime ? { deprecationTime } : {}),
    tags,
  };
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
