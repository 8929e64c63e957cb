// The AWS SDK supports the Node the services run on: building its clients emits no NodeVersionSupportWarning (the
// SDK warns once per process, at the first client, on a Node it is about to drop; ADR 0024).
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

describe('the AWS SDK on this Node', () => {
  it('builds every client the services use without a Node support warning', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const options = { region: 'eu-central-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' } };
      const clients = [EC2Client, ECSClient, EventBridgeClient, S3Client, SQSClient, SSMClient].map(
        (Client) => new Client(options),
      );
      clients.forEach((client) => client.destroy());
      expect(warn.mock.calls.map(([warning]) => String(warning))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
