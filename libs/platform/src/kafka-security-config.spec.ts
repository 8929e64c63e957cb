// The Kafka client settings every service validates at boot (ADR 0019): SASL needs all three values, the password
// never appears in an error, TLS with a CA file reads the file.
import { IntersectionType } from '@nestjs/swagger';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonConfig, ConfigError, KafkaClientConfig, StageEngineConfig, kafkaSecurity, loadConfig } from './config';

const LOCAL = { DCO_PROFILE: 'local', KAFKA_BROKERS: 'kafka:9092' };
const SASL = {
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'infra-deployer',
  KAFKA_SASL_PASSWORD: 's3cret-Pa55word',
};

function problems(env: Record<string, string>, cls: new () => object = CommonConfig): string {
  try {
    loadConfig(cls, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('Kafka SASL and TLS settings', () => {
  it('Given none, Then the clients connect in PLAINTEXT without authentication (the local stack)', () => {
    expect(kafkaSecurity(loadConfig(CommonConfig, LOCAL))).toBeUndefined();
  });

  it('Given SCRAM-SHA-512 with user and password, Then every client gets them', () => {
    expect(kafkaSecurity(loadConfig(CommonConfig, { ...LOCAL, ...SASL }))).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'infra-deployer', password: 's3cret-Pa55word' },
    });
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      /KAFKA_SASL_USERNAME \(not set\)[\s\S]*KAFKA_SASL_PASSWORD \(not set\)/,
    ],
    [{ KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'long-enough' }, /KAFKA_SASL_MECHANISM \(not set\)/],
    [{ ...SASL, KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM \(got "gssapi"\)/],
    [{ ...SASL, KAFKA_SASL_USERNAME: 'a b' }, /KAFKA_SASL_USERNAME \(got "a b"\)/],
    [
      { ...SASL, KAFKA_SASL_PASSWORD: 'short' },
      /KAFKA_SASL_PASSWORD \(got "\*\*\*"\): KAFKA_SASL_PASSWORD must be 8-1024/,
    ],
    [{ KAFKA_TLS: 'yes' }, /KAFKA_TLS \(got "yes"\)/],
    [{ KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' }, /KAFKA_TLS_CA_FILE \(got "\/nonexistent\/ca.pem"\)/],
  ])('Given %j, Then the service refuses to start naming the variable (CONFIG.INVALID)', (env, expected) => {
    const message = problems({ ...LOCAL, ...env });
    expect(message).toMatch(expected);
    expect(message).not.toContain('s3cret-Pa55word');
  });

  it('Given a bad SASL setting, Then a service config built by IntersectionType refuses it too, and so does the CLI', () => {
    const Composite = IntersectionType(CommonConfig, StageEngineConfig);
    expect(problems({ ...LOCAL, KAFKA_SASL_MECHANISM: 'scram-sha-512' }, Composite)).toMatch(/KAFKA_SASL_USERNAME/);
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512' }, KafkaClientConfig)).toMatch(/KAFKA_SASL_PASSWORD/);
  });

  it('Given KAFKA_TLS or a CA file, Then the clients use TLS, with that CA', () => {
    expect(kafkaSecurity(loadConfig(CommonConfig, { ...LOCAL, KAFKA_TLS: 'true' }))).toEqual({ tls: true });
    const ca = join(mkdtempSync(join(tmpdir(), 'dco-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(kafkaSecurity(loadConfig(CommonConfig, { ...LOCAL, ...SASL, KAFKA_TLS_CA_FILE: ca }))).toEqual({
      tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      sasl: { mechanism: 'scram-sha-512', username: 'infra-deployer', password: 's3cret-Pa55word' },
    });
  });
});
