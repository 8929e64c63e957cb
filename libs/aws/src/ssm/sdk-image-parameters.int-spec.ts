// Runs the ImageParameters contract against the SDK adapter on the local emulator, seeding parameters with PutParameter.
// moto (like AWS) refuses PutParameter under /aws/..., so the spec publishes under its own /dco-test/<run>/ path.
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { localEmulatorOptions } from '../aws-client.config';
import { imageParametersContract } from './image-parameters.contract';
import { SdkImageParameters } from './sdk-image-parameters.adapter';

const client = new SSMClient(localEmulatorOptions());
afterAll(() => client.destroy());

imageParametersContract('SDK adapter on the emulator', async () => ({
  parameters: new SdkImageParameters(client),
  put: async (name, value) => {
    await client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  },
}));

describe('SdkImageParameters on the emulator', () => {
  it("reads AWS's own public AMI parameters (moto ships /aws/service/ami-amazon-linux-latest)", async () => {
    const images = await new SdkImageParameters(client).imageIdsUnder('/aws/service/ami-amazon-linux-latest');
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((image) => image.parameter.startsWith('/aws/service/ami-amazon-linux-latest/'))).toBe(true);
  });
});
