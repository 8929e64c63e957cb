// Environment of the orchestrator's healer (ADR 0033), validated at boot: on or off, one policy per fault, what it watches.
import { IsIn, IsInt, Matches, Max, Min, ValidateBy } from 'class-validator';
import { MessageType, isMessageType } from '@dco/contracts';
import { WRITER_OF } from '@dco/messaging';
import { HealFault, HealPolicy, HEAL_POLICIES } from './domain/heal-decision';

const POLICY_MESSAGE = (name: string) => `${name} must be act, alert or off`;
const NAME = '[A-Za-z0-9][A-Za-z0-9._-]{0,254}';

export class HealConfig {
  /** Whether the healer runs at all (in the active orchestrator only); never in the embedded profile, which has no infrastructure. */
  @IsIn(['on', 'off'], { message: 'DCO_HEALER must be on or off' })
  @ValidateBy({
    name: 'healerOutsideEmbedded',
    validator: {
      validate: (value, args) =>
        value !== 'on' || (args?.object as { DCO_PROFILE?: string }).DCO_PROFILE !== 'embedded',
      defaultMessage: () =>
        'DCO_HEALER=on watches real infrastructure (ECS, Kafka, Neo4j), which the embedded profile does not have',
    },
  })
  DCO_HEALER: 'on' | 'off' = 'off';

  @IsIn(HEAL_POLICIES, { message: POLICY_MESSAGE('DCO_HEAL_ECS_UNHEALTHY') })
  DCO_HEAL_ECS_UNHEALTHY: HealPolicy = 'act';

  @IsIn(HEAL_POLICIES, { message: POLICY_MESSAGE('DCO_HEAL_CONSUMER_STUCK') })
  DCO_HEAL_CONSUMER_STUCK: HealPolicy = 'act';

  @IsIn(HEAL_POLICIES, { message: POLICY_MESSAGE('DCO_HEAL_DEAD_LETTERS') })
  DCO_HEAL_DEAD_LETTERS: HealPolicy = 'act';

  @IsIn(HEAL_POLICIES, { message: POLICY_MESSAGE('DCO_HEAL_NEO4J_POINTER') })
  DCO_HEAL_NEO4J_POINTER: HealPolicy = 'act';

  @IsIn(HEAL_POLICIES, { message: POLICY_MESSAGE('DCO_HEAL_BROKER_UNREACHABLE') })
  DCO_HEAL_BROKER_UNREACHABLE: HealPolicy = 'act';

  /** How often the healer looks for the faults. */
  @IsInt({ message: 'DCO_HEAL_INTERVAL_MS must be an integer' })
  @Min(100, { message: 'DCO_HEAL_INTERVAL_MS must be at least 100 (ms)' })
  @Max(3_600_000, { message: 'DCO_HEAL_INTERVAL_MS must be at most 3600000 (ms)' })
  DCO_HEAL_INTERVAL_MS = 30_000;

  /** A fault must be seen this long before the healer acts or alerts on it (a rollout in progress is not a fault). */
  @IsInt({ message: 'DCO_HEAL_GRACE_MS must be an integer' })
  @Min(0, { message: 'DCO_HEAL_GRACE_MS must be at least 0' })
  DCO_HEAL_GRACE_MS = 60_000;

  /** After an action (or an alert) on a fault, the time it is given to clear before the healer looks at it again. */
  @IsInt({ message: 'DCO_HEAL_COOLDOWN_MS must be an integer' })
  @Min(0, { message: 'DCO_HEAL_COOLDOWN_MS must be at least 0' })
  DCO_HEAL_COOLDOWN_MS = 300_000;

  /** Actions in a row that did not clear a fault, after which only an alert (HEAL_EXHAUSTED) goes out. */
  @IsInt({ message: 'DCO_HEAL_MAX_ATTEMPTS must be an integer' })
  @Min(1, { message: 'DCO_HEAL_MAX_ATTEMPTS must be at least 1' })
  @Max(100, { message: 'DCO_HEAL_MAX_ATTEMPTS must be at most 100' })
  DCO_HEAL_MAX_ATTEMPTS = 3;

  /** The longest pause while the broker is unreachable (doubling from DCO_HEAL_INTERVAL_MS). */
  @IsInt({ message: 'DCO_HEAL_BACKOFF_MAX_MS must be an integer' })
  @Min(100, { message: 'DCO_HEAL_BACKOFF_MAX_MS must be at least 100 (ms)' })
  DCO_HEAL_BACKOFF_MAX_MS = 600_000;

  /** A group that commits nothing this long while its lag grows is stuck. */
  @IsInt({ message: 'DCO_HEAL_STUCK_MS must be an integer' })
  @Min(1_000, { message: 'DCO_HEAL_STUCK_MS must be at least 1000 (ms)' })
  DCO_HEAL_STUCK_MS = 300_000;

  /** The ECS services of DCO_ECS_CLUSTER whose health the healer watches, comma-separated. */
  @Matches(new RegExp(`^(${NAME}(,${NAME})*)?$`), {
    message: 'DCO_HEAL_SERVICES must be comma-separated ECS service names',
  })
  DCO_HEAL_SERVICES = '';

  /** `group=service[:Type+Type]`: a consumer group, the ECS service restarted when it is stuck, and the topics it reads. */
  @Matches(
    new RegExp(
      `^(${NAME}=${NAME}:[A-Z][A-Za-z]+(\\+[A-Z][A-Za-z]+)*(,${NAME}=${NAME}:[A-Z][A-Za-z]+(\\+[A-Z][A-Za-z]+)*)*)?$`,
    ),
    {
      message: 'DCO_HEAL_CONSUMER_GROUPS must be comma-separated group=service:Type[+Type]',
    },
  )
  DCO_HEAL_CONSUMER_GROUPS = '';

  /**
   * `Type=group`: commands whose dead letters are re-driven once that group handles the topic again. Only types the
   * orchestrator writes: its Kafka principal writes no other topic (ADR 0019); an operator re-drives the others.
   */
  @ValidateBy({
    name: 'healRedrivableTypes',
    validator: {
      validate: (value) =>
        typeof value !== 'string' ||
        value
          .split(',')
          .filter(Boolean)
          .every((entry) => {
            const type = entry.split('=')[0];
            return isMessageType(type) && WRITER_OF[type as MessageType] === 'orchestrator';
          }),
      defaultMessage: () => 'DCO_HEAL_DEAD_LETTER_TYPES may name only message types the orchestrator writes (commands)',
    },
  })
  @Matches(new RegExp(`^([A-Z][A-Za-z]+=${NAME}(,[A-Z][A-Za-z]+=${NAME})*)?$`), {
    message: 'DCO_HEAL_DEAD_LETTER_TYPES must be comma-separated Type=group',
  })
  DCO_HEAL_DEAD_LETTER_TYPES = '';

  /** Dead-letter codes a later attempt can pass: a handler that kept failing, never a malformed message. */
  @Matches(/^[A-Z_]+\.[A-Z_]+(,[A-Z_]+\.[A-Z_]+)*$/, {
    message: 'DCO_HEAL_REDRIVE_CODES must be comma-separated codes AREA.REASON',
  })
  DCO_HEAL_REDRIVE_CODES = 'MSG.HANDLER_FAILED';
}

/** What the healer watches and how, read from the validated config. */
export interface HealSettings {
  policies: Record<HealFault, HealPolicy>;
  intervalMs: number;
  graceMs: number;
  cooldownMs: number;
  maxAttempts: number;
  backOffMaxMs: number;
  stuckMs: number;
  services: string[];
  groups: Array<{ group: string; service: string; types: string[] }>;
  deadLetterTypes: Array<{ type: string; group: string }>;
  redriveCodes: string[];
}

const list = (value: string): string[] => value.split(',').filter(Boolean);

export function healSettingsOf(config: HealConfig): HealSettings {
  return {
    policies: {
      'ecs-unhealthy': config.DCO_HEAL_ECS_UNHEALTHY,
      'consumer-stuck': config.DCO_HEAL_CONSUMER_STUCK,
      'dead-letters': config.DCO_HEAL_DEAD_LETTERS,
      'neo4j-pointer': config.DCO_HEAL_NEO4J_POINTER,
      'broker-unreachable': config.DCO_HEAL_BROKER_UNREACHABLE,
    },
    intervalMs: config.DCO_HEAL_INTERVAL_MS,
    graceMs: config.DCO_HEAL_GRACE_MS,
    cooldownMs: config.DCO_HEAL_COOLDOWN_MS,
    maxAttempts: config.DCO_HEAL_MAX_ATTEMPTS,
    backOffMaxMs: config.DCO_HEAL_BACKOFF_MAX_MS,
    stuckMs: config.DCO_HEAL_STUCK_MS,
    services: list(config.DCO_HEAL_SERVICES),
    groups: list(config.DCO_HEAL_CONSUMER_GROUPS).map((entry) => {
      const [group, rest] = entry.split('=');
      const [service, types] = rest.split(':');
      return { group, service, types: types.split('+') };
    }),
    deadLetterTypes: list(config.DCO_HEAL_DEAD_LETTER_TYPES).map((entry) => {
      const [type, group] = entry.split('=');
      return { type, group };
    }),
    redriveCodes: list(config.DCO_HEAL_REDRIVE_CODES),
  };
}
