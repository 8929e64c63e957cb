// Optional TLS of a service's HTTP server: both files set, or neither.
import { readFileSync } from 'node:fs';
import { ConfigError } from '@dco/contracts';

export interface ApiTlsSettings {
  DCO_API_TLS_CERT_FILE?: string;
  DCO_API_TLS_KEY_FILE?: string;
}

/** Nest's httpsOptions when TLS is configured, else undefined (plain HTTP). */
export function httpsOptionsOf(settings: ApiTlsSettings): { cert: Buffer; key: Buffer } | undefined {
  const { DCO_API_TLS_CERT_FILE: certFile, DCO_API_TLS_KEY_FILE: keyFile } = settings;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile)
    throw new ConfigError('DCO_API_TLS_CERT_FILE and DCO_API_TLS_KEY_FILE must be set together (PEM files)');
  const read = (variable: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(`${variable} (${file}) cannot be read: ${(error as Error).message}`);
    }
  };
  return { cert: read('DCO_API_TLS_CERT_FILE', certFile), key: read('DCO_API_TLS_KEY_FILE', keyFile) };
}
