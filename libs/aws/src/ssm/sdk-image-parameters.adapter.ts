// SSM image parameters over the AWS SDK v3 (real AWS's public parameters, or the operator's own on moto).
import { GetParameterCommand, GetParametersByPathCommand, Parameter, SSMClient } from '@aws-sdk/client-ssm';
import { AwsClientOptions } from '../aws-client.config';
import { AMI_ID, ImageParameters, PublishedImageId } from './image-parameters.port';

export class SdkImageParameters implements ImageParameters {
  constructor(private readonly client: SSMClient) {}

  static fromOptions(options: AwsClientOptions): SdkImageParameters {
    return new SdkImageParameters(new SSMClient(options));
  }

  async imageIdsUnder(path: string): Promise<PublishedImageId[]> {
    const parameters: Parameter[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetParametersByPathCommand({ Path: path, Recursive: true, NextToken: nextToken, MaxResults: 10 }),
      );
      parameters.push(...(page.Parameters ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    // A path that names one parameter (…/current/ami-id) has nothing under it: read the parameter itself.
    if (parameters.length === 0) parameters.push(...(await this.single(path.replace(/\/+$/, ''))));
    return parameters
      .filter((parameter) => AMI_ID.test(parameter.Value ?? ''))
      .map((parameter) => ({ parameter: parameter.Name ?? '', imageId: parameter.Value ?? '' }))
      .sort((a, b) => a.parameter.localeCompare(b.parameter));
  }

  private async single(name: string): Promise<Parameter[]> {
    try {
      const result = await this.client.send(new GetParameterCommand({ Name: name }));
      return result.Parameter ? [result.Parameter] : [];
    } catch (error) {
      if ((error as Error).name === 'ParameterNotFound') return [];
      throw error;
    }
  }
}
