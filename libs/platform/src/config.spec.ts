import { IntersectionType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { CommonConfig, ConfigError, loadConfig, StageEngineConfig } from './config';

class WorkerConfig extends CommonConfig {
  @IsInt({ message: 'BATCH_SIZE must be an integer' })
  @Min(1)
  BATCH_SIZE = 100;
}

class StageWorkerConfig extends IntersectionType(CommonConfig, StageEngineConfig) {
  @IsOptional()
  @IsIn(['neo4j', 'memory'])
  DCO_LEDGER?: 'neo4j' | 'memory';
}

const LOCAL = { DCO_PROFILE: 'local', KAFKA_BROKERS: 'kafka:9092' };

describe('loadConfig and the stand-ins (ADR 0014)', () => {
  it('Given no DCO_STAGE_ENGINE, When a worker loads on any profile, Then it takes the real engine', () => {
    expect(loadConfig(StageWorkerConfig, LOCAL).DCO_STAGE_ENGINE).toBe('real');
    expect(loadConfig(StageWorkerConfig, { DCO_PROFILE: 'aws', KAFKA_BROKERS: 'kafka:9092' }).DCO_STAGE_ENGINE).toBe(
      'real',
    );
    expect(loadConfig(StageWorkerConfig, {}).DCO_STAGE_ENGINE).toBe('real');
  });

  it.each([
    [{ DCO_STAGE_ENGINE: 'simulated' }, 'DCO_STAGE_ENGINE (got "simulated")'],
    [{ DCO_LEDGER: 'memory' }, 'DCO_LEDGER (got "memory")'],
  ])('Given %j on the local profile without the opt-in, Then CONFIG.INVALID names the variable', (env, expected) => {
    const load = () => loadConfig(StageWorkerConfig, { ...LOCAL, ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(expected);
    expect(load).toThrow('accepted only with DCO_PROFILE=embedded or, in tests, DCO_ALLOW_SIMULATED=test');
  });

  it('Given the embedded profile or the test opt-in, Then the stand-ins are accepted', () => {
    expect(loadConfig(StageWorkerConfig, { DCO_STAGE_ENGINE: 'simulated', DCO_LEDGER: 'memory' })).toMatchObject({
      DCO_STAGE_ENGINE: 'simulated',
      DCO_LEDGER: 'memory',
    });
    expect(
      loadConfig(StageWorkerConfig, { ...LOCAL, DCO_STAGE_ENGINE: 'simulated', DCO_ALLOW_SIMULATED: 'test' })
        .DCO_STAGE_ENGINE,
    ).toBe('simulated');
  });

  it('accepts only "test" as the opt-in', () => {
    expect(() =>
      loadConfig(StageWorkerConfig, { ...LOCAL, DCO_STAGE_ENGINE: 'simulated', DCO_ALLOW_SIMULATED: 'yes' }),
    ).toThrow('DCO_ALLOW_SIMULATED must be "test" or unset');
  });
});

describe('loadConfig', () => {
  it('uses defaults for the embedded profile', () => {
    expect(loadConfig(WorkerConfig, {})).toEqual(
      expect.objectContaining({ DCO_PROFILE: 'embedded', PORT: 3000, BATCH_SIZE: 100 }),
    );
  });

  it('converts numbers and keeps declared optional variables', () => {
    const config = loadConfig(WorkerConfig, {
      PORT: '4000',
      DCO_PROFILE: 'local',
      KAFKA_BROKERS: '127.0.0.1:19092',
      KAFKA_PARTITIONS_CONCURRENTLY: '6',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
    });
    expect(config).toEqual(
      expect.objectContaining({
        PORT: 4000,
        KAFKA_BROKERS: '127.0.0.1:19092',
        KAFKA_PARTITIONS_CONCURRENTLY: 6,
        KAFKA_SESSION_TIMEOUT_MS: 10_000,
      }),
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT (got "eighty")'],
    [{ DCO_PROFILE: 'prod' }, 'DCO_PROFILE'],
    [{ DCO_PROFILE: 'local' }, 'KAFKA_BROKERS (not set)'],
    [{ DCO_PROFILE: 'local', KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS (got "kafka")'],
    [{ BATCH_SIZE: '0' }, 'BATCH_SIZE'],
    [{ KAFKA_PARTITIONS_CONCURRENTLY: '0' }, 'KAFKA_PARTITIONS_CONCURRENTLY'],
    [{ KAFKA_SESSION_TIMEOUT_MS: '5000' }, 'KAFKA_SESSION_TIMEOUT_MS must be at least 6000'],
    [{ KAFKA_SESSION_TIMEOUT_MS: '10 s' }, 'KAFKA_SESSION_TIMEOUT_MS must be an integer'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  ])('names the bad variable in %j', (env, expected) => {
    expect(() => loadConfig(WorkerConfig, env)).toThrow(ConfigError);
    expect(() => loadConfig(WorkerConfig, env)).toThrow(expected);
  });

  it('never echoes a secret', () => {
    class SecretConfig extends CommonConfig {
      @IsInt({ message: 'API_TOKEN must be an integer' })
      API_TOKEN = 1;
    }
    expect(() => loadConfig(SecretConfig, { API_TOKEN: 'hunter2' })).toThrow('API_TOKEN (got "***")');
  });
});
