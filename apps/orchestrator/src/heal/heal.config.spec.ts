// The healer's variables (ADR 0033): defaults, what they become, and each bad value refused at boot naming the variable.
import { ConfigError, loadConfig } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';
import { healSettingsOf } from './heal.config';

const LOCAL = { DCO_PROFILE: 'local', KAFKA_BROKERS: 'kafka:9092' };

describe('the healer configuration', () => {
  it('is off by default, acts on every fault once on, and reads what it watches', () => {
    const defaults = loadConfig(OrchestratorConfig, {});
    expect(defaults.DCO_HEALER).toBe('off');
    const settings = healSettingsOf(
      loadConfig(OrchestratorConfig, {
        ...LOCAL,
        DCO_HEALER: 'on',
        DCO_HEAL_DEAD_LETTERS: 'alert',
        DCO_HEAL_SERVICES: 'dco-runner,detector',
        DCO_HEAL_CONSUMER_GROUPS:
          'dco.dco.dco-runner=dco-runner:RunDco,dco.dco.db-migrator=db-migrator:MigrateDb+RollbackDb',
        DCO_HEAL_DEAD_LETTER_TYPES: 'RunDco=dco.dco.dco-runner',
      }),
    );
    expect(settings).toMatchObject({
      policies: {
        'ecs-unhealthy': 'act',
        'consumer-stuck': 'act',
        'dead-letters': 'alert',
        'neo4j-pointer': 'act',
        'broker-unreachable': 'act',
      },
      intervalMs: 30_000,
      services: ['dco-runner', 'detector'],
      groups: [
        { group: 'dco.dco.dco-runner', service: 'dco-runner', types: ['RunDco'] },
        { group: 'dco.dco.db-migrator', service: 'db-migrator', types: ['MigrateDb', 'RollbackDb'] },
      ],
      deadLetterTypes: [{ type: 'RunDco', group: 'dco.dco.dco-runner' }],
      redriveCodes: ['MSG.HANDLER_FAILED'],
    });
  });

  it.each<[string, string, string]>([
    ['DCO_HEALER', 'yes', 'DCO_HEALER must be on or off'],
    ['DCO_HEAL_ECS_UNHEALTHY', 'fix', 'DCO_HEAL_ECS_UNHEALTHY must be act, alert or off'],
    ['DCO_HEAL_CONSUMER_STUCK', 'restart', 'DCO_HEAL_CONSUMER_STUCK must be act, alert or off'],
    ['DCO_HEAL_DEAD_LETTERS', 'on', 'DCO_HEAL_DEAD_LETTERS must be act, alert or off'],
    ['DCO_HEAL_NEO4J_POINTER', 'ACT', 'DCO_HEAL_NEO4J_POINTER must be act, alert or off'],
    ['DCO_HEAL_BROKER_UNREACHABLE', 'backoff', 'DCO_HEAL_BROKER_UNREACHABLE must be act, alert or off'],
    ['DCO_HEAL_INTERVAL_MS', '50', 'DCO_HEAL_INTERVAL_MS must be at least 100'],
    ['DCO_HEAL_COOLDOWN_MS', '-1', 'DCO_HEAL_COOLDOWN_MS must be at least 0'],
    ['DCO_HEAL_MAX_ATTEMPTS', '0', 'DCO_HEAL_MAX_ATTEMPTS must be at least 1'],
    ['DCO_HEAL_STUCK_MS', 'soon', 'DCO_HEAL_STUCK_MS must be an integer'],
    ['DCO_HEAL_SERVICES', 'dco runner', 'DCO_HEAL_SERVICES must be comma-separated ECS service names'],
    [
      'DCO_HEAL_CONSUMER_GROUPS',
      'dco.dco.dco-runner',
      'DCO_HEAL_CONSUMER_GROUPS must be comma-separated group=service:Type[+Type]',
    ],
    ['DCO_HEAL_DEAD_LETTER_TYPES', 'RunDco', 'DCO_HEAL_DEAD_LETTER_TYPES must be comma-separated Type=group'],
    ['DCO_HEAL_DEAD_LETTER_TYPES', 'DcoCompleted=dco.dco.orchestrator', 'only message types the orchestrator writes'],
    ['DCO_HEAL_DEAD_LETTER_TYPES', 'NoSuchType=g', 'only message types the orchestrator writes'],
    ['DCO_HEAL_REDRIVE_CODES', 'handler failed', 'DCO_HEAL_REDRIVE_CODES must be comma-separated codes AREA.REASON'],
  ])('refuses %s=%j, naming the variable', (name, value, message) => {
    const load = () => loadConfig(OrchestratorConfig, { ...LOCAL, [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`${name} (got "${value}")`);
    expect(load).toThrow(message);
  });

  it('refuses the healer in the embedded profile, which has no infrastructure to heal', () => {
    expect(() => loadConfig(OrchestratorConfig, { DCO_PROFILE: 'embedded', DCO_HEALER: 'on' })).toThrow(
      'DCO_HEALER (got "on"): DCO_HEALER=on watches real infrastructure',
    );
  });
});
