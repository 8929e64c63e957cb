// Where a workspace keeps its state and records, from the validated variables: the S3 backend and store when
// DCO_INFRA_BUCKET is set (every replica shares them), else the local backend and a directory. ADR 0016.
import { AwsClientVariables, awsClientOptions, S3ObjectStore } from '@dco/aws';
import { WorkspaceOptions } from './terraform-workspace';

export interface RemoteStateVariables extends AwsClientVariables {
  DCO_INFRA_BUCKET?: string;
  DCO_INFRA_PREFIX?: string;
  DCO_INFRA_LOCK_TIMEOUT_MS?: number;
}

export interface RemoteState {
  options: Pick<WorkspaceOptions, 'store' | 'backend' | 'lockTimeoutMs'>;
  /** Environment tofu's s3 backend needs (the emulator's static credentials); empty in AWS (the SDK chain). */
  env: Record<string, string>;
  /** Creates the bucket on the local emulator (in AWS it is provisioned with the account). */
  prepare(): Promise<void>;
}

export function remoteStateOf(variables: RemoteStateVariables): RemoteState {
  const lockTimeoutMs = variables.DCO_INFRA_LOCK_TIMEOUT_MS;
  if (!variables.DCO_INFRA_BUCKET)
    return {
      options: { ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}) },
      env: {},
      prepare: async () => undefined,
    };
  const aws = awsClientOptions(variables);
  const prefix = (variables.DCO_INFRA_PREFIX ?? 'infra').replace(/\/$/, '');
  const store = new S3ObjectStore(S3ObjectStore.client(aws), { bucket: variables.DCO_INFRA_BUCKET, prefix });
  return {
    options: {
      store,
      backend: {
        bucket: variables.DCO_INFRA_BUCKET,
        key: `${prefix}/terraform.tfstate`,
        region: aws.region,
        ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
      },
      ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
    },
    env: aws.credentials
      ? { AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey }
      : {},
    prepare: () => (aws.endpoint ? store.ensureBucket() : Promise.resolve()),
  };
}
