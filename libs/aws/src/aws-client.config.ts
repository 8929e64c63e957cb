// Builds AWS SDK v3 client options from the environment: the moto emulator locally, the default credential chain in AWS.
import { IsOptional, IsString } from 'class-validator';

/** The variables the AWS clients are built from; apps' config classes extend it, so they are validated at boot. */
export class AwsClientConfig {
  /** The emulator's URL (e.g. http://127.0.0.1:5055); unset = real AWS. */
  @IsOptional()
  @IsString()
  DCO_AWS_ENDPOINT?: string;

  /** Region of every client; AWS_REGION when unset, then us-east-1. */
  @IsOptional()
  @IsString()
  DCO_AWS_REGION?: string;

  @IsOptional()
  @IsString()
  AWS_REGION?: string;

  /** With DCO_AWS_ENDPOINT only (the emulator's static credentials, default "testing"); real AWS uses the SDK's chain. */
  @IsOptional()
  @IsString()
  AWS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  AWS_SECRET_ACCESS_KEY?: string;
}

/** Any object with the AwsClientConfig variables: a validated config, or (scripts, tests) an environment. */
export type AwsClientVariables = Partial<Record<keyof AwsClientConfig, string>>;

export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The local stack's emulator, as recorded in stack/stack.config.json. */
export const LOCAL_AWS_ENDPOINT = 'http://127.0.0.1:5055';

/**
 * DCO_AWS_ENDPOINT set (e.g. http://127.0.0.1:5055): the emulator with its static test credentials.
 * Unset: real AWS with region and credentials from the usual SDK chain.
 */
export function awsClientOptions(env: AwsClientVariables): AwsClientOptions {
  const region = env.DCO_AWS_REGION ?? env.AWS_REGION ?? 'us-east-1';
  const endpoint = env.DCO_AWS_ENDPOINT;
  if (!endpoint) return { region };
  return {
    region,
    endpoint,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    },
  };
}

/** Client options for the local stack's emulator (integration specs, the local profile's scripts). */
export function localEmulatorOptions(env: AwsClientVariables = process.env): AwsClientOptions {
  return awsClientOptions({ ...env, DCO_AWS_ENDPOINT: env.DCO_AWS_ENDPOINT ?? LOCAL_AWS_ENDPOINT });
}
