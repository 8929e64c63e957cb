// Bad-input suite, environment variables (issue 15 item 8): thousands of generated environments against the platform's
// config classes. Each loads or is refused with ConfigError (CONFIG.INVALID) naming variables; nothing else is thrown,
// and the Kafka password never appears in a refusal. Deterministic: fixed seed.
import { isErrorCode } from '@dco/contracts';
import fc from 'fast-check';
import {
  CommonConfig,
  ConfigError,
  KafkaClientConfig,
  Neo4jFleetConfig,
  declaredVariables,
  loadConfig,
} from './config';

const SEED = 15_008;
const RUNS = 3_000;
const SECRET = 'Sup3r-S3cret-kafka-pass';
const CLASSES = [CommonConfig, KafkaClientConfig, Neo4jFleetConfig] as const;
const NAMES = [...declaredVariables(Neo4jFleetConfig)];

const value = fc.oneof(
  fc.constantFrom(
    'local',
    'aws',
    'embedded',
    'kafka:9092',
    'scram-sha-512',
    'plain',
    'true',
    'false',
    '0',
    '-1',
    '99999999999',
    '1e3',
    '/nonexistent',
    '',
  ),
  fc.string({ maxLength: 60 }),
  fc.integer().map(String),
);
/** Random variables, and half the time the Kafka password set to SECRET (which no other variable holds). */
const environment = fc
  .tuple(
    fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })), value, { maxKeys: 10 }),
    fc.boolean(),
  )
  .map(([env, withPassword]) => (withPassword ? { ...env, KAFKA_SASL_PASSWORD: SECRET } : env));

describe('bad input: generated environments', () => {
  it(`loads or refuses each of ${RUNS} environments with CONFIG.INVALID, never leaking the Kafka password`, () => {
    let loaded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...CLASSES), environment, (cls, env) => {
        try {
          loadConfig(cls as new () => object, env);
          loaded += 1;
          return true;
        } catch (error) {
          refused += 1;
          if (!(error instanceof ConfigError) || !isErrorCode(error.code)) return false;
          return !error.message.includes(SECRET);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `bad-input env: ${RUNS} environments, ${loaded} loaded, ${refused} refused (CONFIG.INVALID)\n`,
    );
    expect(loaded + refused).toBe(RUNS);
    expect(refused).toBeGreaterThan(RUNS / 10);
    expect(loaded).toBeGreaterThan(RUNS / 10);
  });
});
