// Builds AWS SDK v3 client options from the environment: the moto emulator locally, the default credential chain in AWS.
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
export function awsClientOptions(env: NodeJS.ProcessEnv = process.env): AwsClientOptions {
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
export function localEmulatorOptions(env: NodeJS.ProcessEnv = process.env): AwsClientOptions {
  return awsClientOptions({ ...env, DCO_AWS_ENDPOINT: env.DCO_AWS_ENDPOINT ?? LOCAL_AWS_ENDPOINT });
}
