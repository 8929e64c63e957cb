// Where the Neo4j images are published: an SSM parameter path (the owner's public parameters, AWS's own pattern) when one
// is configured, else the owner + name filter of DescribeImages. Shared by neo4j-ami and aws-offering so they agree.
import { CodedError } from '@dco/contracts';
import { Ec2Inventory, ImageParameters, MachineImage } from '@dco/aws';

export interface PublishedImageOptions {
  owners: string[];
  namePattern: string;
  /** DCO_NEO4J_AMI_SSM_PATH: the AMI ids under this path (or this one parameter) are the published images. */
  ssmPath?: string;
}

export async function publishedImages(
  ec2: Ec2Inventory,
  parameters: ImageParameters | undefined,
  options: PublishedImageOptions,
): Promise<MachineImage[]> {
  if (!options.ssmPath) return ec2.findImages({ owners: options.owners, namePattern: options.namePattern });
  const published = parameters ? await parameters.imageIdsUnder(options.ssmPath) : [];
  if (published.length === 0) {
    throw new CodedError(
      'DETECT.AMI_SSM_PATH_EMPTY',
      `no AMI id is published under the SSM parameter path ${options.ssmPath}`,
      'check DCO_NEO4J_AMI_SSM_PATH (and the region); an empty result is never read as "no change"',
    );
  }
  return ec2.findImagesById([...new Set(published.map((entry) => entry.imageId))]);
}

/** Where the images were looked for, for messages. */
export function publishedWhere(options: PublishedImageOptions): string {
  return options.ssmPath
    ? `SSM parameter path ${options.ssmPath}`
    : `owners ${options.owners.join(',')} and name ${options.namePattern}`;
}
