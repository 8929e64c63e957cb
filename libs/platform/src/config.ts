// Environment configuration validated at boot: a missing or malformed variable stops the process with a message naming it.
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { ClassConstructor } from 'class-transformer';
import { ConfigError } from '@dco/contracts';
import { KAFKA_SASL_MECHANISMS, KafkaSaslMechanism, KafkaSecurity } from '@dco/messaging';
import { accessSync, constants, readFileSync } from 'node:fs';
import { parseApiCredentials } from './http/api-credentials';
import { parseOidcClaimPath, parseOidcRoleMap, parseOidcUrl } from './http/oidc-verifier';

export { ConfigError, isConfigError } from '@dco/contracts';

/** A number of at least 0, fractions allowed (loadConfig converts only whole numbers by itself). */
export function IsNonNegativeNumber(name: string): PropertyDecorator {
  const message = { message: `${name} must be a non-negative number` };
  return applyDecorators(
    Type(() => Number),
    IsNumber({}, message),
    Min(0, message),
  );
}

/**
 * A variable with its own syntax (lists, key=value pairs): valid when `parse` accepts it. The parser's message becomes
 * the problem loadConfig reports, so the variable is checked at boot by the same code that reads it later.
 */
export function IsParsedBy(parse: (value: string) => unknown): PropertyDecorator {
  return (target, propertyName) => {
    let problem = '';
    registerDecorator({
      name: 'isParsedBy',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          if (value === undefined) return true;
          try {
            parse(String(value));
            return true;
          } catch (error) {
            problem = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
        defaultMessage: () => problem,
      },
    });
  };
}

/** KAFKA_BROKERS: a comma-separated list of host:port. */
export const BROKERS_PATTERN = /^[\w.-]+:\d+(,[\w.-]+:\d+)*$/;
/** DCO_NAMESPACE: 1-40 lowercase letters, digits or dashes (it starts consumer groups and transactional ids). */
export const NAMESPACE_PATTERN = /^[a-z0-9-]{1,40}$/;
/** DCO_TOPIC_PREFIX: up to 41 lowercase letters, digits, dots or dashes (it starts every topic name). */
export const TOPIC_PREFIX_PATTERN = /^[a-z0-9][a-z0-9.-]{0,40}$/;

export const PROFILES = ['embedded', 'local', 'aws'] as const;
export type Profile = (typeof PROFILES)[number];

const saslWanted = (config: KafkaClientConfig): boolean =>
  config.KAFKA_SASL_MECHANISM !== undefined ||
  config.KAFKA_SASL_USERNAME !== undefined ||
  config.KAFKA_SASL_PASSWORD !== undefined;

/**
 * How a process authenticates to Kafka (ADR 0019): SASL (SCRAM-SHA-512 on a self-managed cluster) with this service's
 * own principal, and TLS. All unset = PLAINTEXT without authentication, as the local stack's shared broker runs.
 */
export class KafkaClientConfig {
  @ValidateIf(saslWanted)
  @IsIn(KAFKA_SASL_MECHANISMS, {
    message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')} (required with a SASL username or password)`,
  })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf(saslWanted)
  @Matches(/^[A-Za-z0-9._@=-]{1,128}$/, {
    message: 'KAFKA_SASL_USERNAME must be 1-128 letters, digits or ._@=- (required with KAFKA_SASL_MECHANISM)',
  })
  KAFKA_SASL_USERNAME?: string;

  /** The principal's password; never logged (loadConfig redacts it, the clients never print it). */
  @ValidateIf(saslWanted)
  @IsString({ message: 'KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_MECHANISM' })
  @Length(8, 1024, { message: 'KAFKA_SASL_PASSWORD must be 8-1024 characters' })
  KAFKA_SASL_PASSWORD?: string;

  /** TLS to the brokers (MSK's TLS listener, a self-managed cluster's SASL_SSL). */
  @IsBoolean({ message: 'KAFKA_TLS must be true or false' })
  KAFKA_TLS = false;

  /** PEM file of the CA that signed the brokers' certificates, instead of the system's trust store; implies TLS. */
  @IsOptional()
  @IsParsedBy((path) => accessSync(path, constants.R_OK))
  KAFKA_TLS_CA_FILE?: string;
}

/** The SASL and TLS settings of `config` for the Kafka clients, or undefined for PLAINTEXT without authentication. */
export function kafkaSecurity(config: KafkaClientConfig): KafkaSecurity | undefined {
  const security: KafkaSecurity = {};
  if (config.KAFKA_TLS_CA_FILE) security.tls = { ca: readFileSync(config.KAFKA_TLS_CA_FILE, 'utf8') };
  else if (config.KAFKA_TLS) security.tls = true;
  if (config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD) {
    security.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME,
      password: config.KAFKA_SASL_PASSWORD,
    };
  }
  return security.tls || security.sasl ? security : undefined;
}

/** Variables every service reads. */
/** Any OIDC variable set asks for all three (issuer, audience, JWKS URL). */
const oidcWanted = (config: CommonConfig) =>
  config.DCO_OIDC_ISSUER !== undefined ||
  config.DCO_OIDC_AUDIENCE !== undefined ||
  config.DCO_OIDC_JWKS_URL !== undefined;

export class CommonConfig extends KafkaClientConfig {
  @IsIn(PROFILES, { message: 'DCO_PROFILE must be one of embedded, local, aws' })
  DCO_PROFILE: Profile = 'embedded';

  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Address the HTTP server binds; 0.0.0.0 in containers. */
  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  LOG_LEVEL = 'info';

  /** json for log pipelines (the default), human for a person at a console. */
  @IsIn(['json', 'human'])
  LOG_FORMAT: 'json' | 'human' = 'json';

  /** Comma-separated host:port list; required outside the embedded profile. */
  @ValidateIf((config: CommonConfig) => config.DCO_PROFILE !== 'embedded')
  @Matches(BROKERS_PATTERN, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string;

  @IsInt({ message: 'KAFKA_PARTITIONS must be an integer' })
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS = 6;

  /** Partitions one consumer handles at the same time (order stays per partition; their commits share transactions). */
  @IsInt({ message: 'KAFKA_PARTITIONS_CONCURRENTLY must be an integer' })
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS_CONCURRENTLY = 1;

  /**
   * How long a consumer group waits for a member that stopped heartbeating (a killed process) before its partitions
   * move to the others. Lower = a crashed replica's work resumes sooner; higher = a stalled event loop is tolerated
   * longer. Within the broker's group.min/max.session.timeout.ms (6 s and 30 min by default). Below about 25 s, keep
   * DCO_INSTANCE_ID stable across restarts, so a replacement fences its predecessor's open transaction (ADR 0004).
   */
  @IsInt({ message: 'KAFKA_SESSION_TIMEOUT_MS must be an integer' })
  @Min(6_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at least 6000 (the broker refuses shorter sessions)' })
  @Max(300_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at most 300000' })
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

  /** Prefix for consumer groups and transactional ids, so several deployments can share a cluster. */
  @Matches(NAMESPACE_PATTERN, { message: 'DCO_NAMESPACE must be 1-40 lowercase letters, digits or dashes' })
  DCO_NAMESPACE = 'dco';

  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; tracing is off when unset. */
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL' },
  )
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /** Prefix of every topic name (e.g. `e2e-1a2b.`), so that test runs or environments can share one cluster. */
  @IsOptional()
  @Matches(TOPIC_PREFIX_PATTERN, {
    message: 'DCO_TOPIC_PREFIX must be up to 41 lowercase letters, digits, dots or dashes',
  })
  DCO_TOPIC_PREFIX?: string;

  /** Instance name used in transactional ids; defaults to host + pid. */
  @IsOptional()
  @IsString()
  DCO_INSTANCE_ID?: string;

  /**
   * Who may call this service's HTTP API: "name:role:sha256hex" entries (comma or new line separated; role viewer,
   * operator or admin; the sha256 of the token, never the token). Without any credential only /health answers.
   */
  @IsOptional()
  @IsParsedBy((text) => parseApiCredentials(text))
  DCO_API_CREDENTIALS?: string;

  /** A file of more credential entries, one per line (# comments): a mounted secret. */
  @IsOptional()
  @IsString()
  DCO_API_CREDENTIALS_FILE?: string;

  /**
   * OIDC bearer tokens (besides the named credentials): the identity provider's issuer (the tokens' `iss`), the
   * audience this API expects (`aud`) and the URL of its signing keys (JWKS). All three or none.
   */
  @ValidateIf(oidcWanted)
  @IsString({ message: 'DCO_OIDC_ISSUER must be set with DCO_OIDC_AUDIENCE and DCO_OIDC_JWKS_URL' })
  @IsParsedBy((text) => parseOidcUrl(text, 'DCO_OIDC_ISSUER'))
  DCO_OIDC_ISSUER?: string;

  @ValidateIf(oidcWanted)
  @IsString({ message: 'DCO_OIDC_AUDIENCE must be set with DCO_OIDC_ISSUER and DCO_OIDC_JWKS_URL' })
  @Length(1, 500, { message: 'DCO_OIDC_AUDIENCE must be 1-500 characters' })
  DCO_OIDC_AUDIENCE?: string;

  @ValidateIf(oidcWanted)
  @IsString({ message: 'DCO_OIDC_JWKS_URL must be set with DCO_OIDC_ISSUER and DCO_OIDC_AUDIENCE' })
  @IsParsedBy((text) => parseOidcUrl(text, 'DCO_OIDC_JWKS_URL'))
  DCO_OIDC_JWKS_URL?: string;

  /** The claim (or dotted path, e.g. realm_access.roles) holding the caller's roles: a string or a list of strings. */
  @IsParsedBy((text) => parseOidcClaimPath(text, 'DCO_OIDC_ROLES_CLAIM'))
  DCO_OIDC_ROLES_CLAIM = 'roles';

  /** "claimValue:role" entries (role viewer, operator or admin); default: the values viewer, operator, admin themselves. */
  @IsOptional()
  @IsParsedBy((text) => parseOidcRoleMap(text))
  DCO_OIDC_ROLE_MAP?: string;

  /** The claim naming the actor recorded on approvals and run requests (e.g. preferred_username); default sub. */
  @IsParsedBy((text) => parseOidcClaimPath(text, 'DCO_OIDC_NAME_CLAIM'))
  DCO_OIDC_NAME_CLAIM = 'sub';

  /** PEM certificate and key: the API answers HTTPS when both are set. */
  @IsOptional()
  @IsString()
  DCO_API_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  DCO_API_TLS_KEY_FILE?: string;

  /** Requests per minute one client address may send to the external intake and to POST /api/session. */
  @IsInt({ message: 'DCO_API_RATE_LIMIT_INTAKE must be an integer' })
  @Min(1)
  DCO_API_RATE_LIMIT_INTAKE = 300;

  /** Requests per minute one actor may send to the decision endpoints (approve, reject, resume, start). */
  @IsInt({ message: 'DCO_API_RATE_LIMIT_DECISIONS must be an integer' })
  @Min(1)
  DCO_API_RATE_LIMIT_DECISIONS = 30;

  /** `test`: lets the test harnesses run the in-memory stand-ins (STAND_INS) outside the embedded profile. Never in a deployment. */
  @IsOptional()
  @IsIn(['test'], { message: 'DCO_ALLOW_SIMULATED must be "test" or unset' })
  DCO_ALLOW_SIMULATED?: 'test';
}

/**
 * The switches whose value selects an in-memory stand-in, and that value. A stand-in answers with made-up data (an
 * empty offering, a fake migration, a plan nobody applied), so loadConfig refuses it outside the embedded profile
 * unless DCO_ALLOW_SIMULATED=test says a test harness asked for it (ADR 0014).
 */
export const STAND_INS: Readonly<Record<string, string>> = {
  DCO_STAGE_ENGINE: 'simulated',
  DCO_INFRA_ENGINE: 'simulated',
  DCO_LEDGER: 'memory',
};

/** Which implementation of a worker's stage runs: the real use case (default in every profile) or the stand-in with configured outcomes. */
export class StageEngineConfig {
  @IsIn(['simulated', 'real'], { message: 'DCO_STAGE_ENGINE must be simulated or real' })
  DCO_STAGE_ENGINE: 'simulated' | 'real' = 'real';
}

/** CommonConfig plus the Neo4j fleet's scope (services that launch or look for Neo4j instances: detector, db-migrator). */
export class Neo4jFleetConfig extends CommonConfig {
  /** The environment's name: tag dco:env on every Neo4j instance launched; scopes the fleet and its ClientTokens. */
  @IsOptional()
  @Matches(/^[^=,]{1,256}$/, { message: 'DCO_ENV must be 1-256 characters without "=" or ","' })
  DCO_ENV?: string;

  /** More tags of the Neo4j fleet, "key=value,key=value": put on every instance launched and used to find the fleet's instances. */
  @IsOptional()
  @Matches(/^\s*(?!aws:)[^=,]{1,128}=[^=,]{0,256}\s*(,\s*(?!aws:)[^=,]{1,128}=[^=,]{0,256}\s*)*$/, {
    message: 'DCO_NEO4J_FLEET_TAGS must be key=value[,key=value...] (EC2 tag keys, not aws:-prefixed)',
  })
  DCO_NEO4J_FLEET_TAGS?: string;
}

/**
 * Reads `cls` from the environment. Only variables the class declares are read; numbers and booleans are converted.
 * Throws ConfigError naming every bad variable.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  const declared = declaredVariables(cls);
  for (const key of Object.keys(defaults)) raw[key] = defaults[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (key in defaults || declared.has(key)) raw[key] = convert(value, defaults[key]);
  }
  const config = plainToInstance(cls, raw);
  const errors = validateSync(config as object, { forbidUnknownValues: false });
  const problems = errors.map((error) => {
    const given = env[error.property];
    const detail = Object.values(error.constraints ?? {}).join('; ');
    return `${error.property}${given === undefined ? ' (not set)' : ` (got "${redact(error.property, given)}")`}: ${detail}`;
  });
  problems.push(...standInProblems(config as Record<string, unknown>));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function standInProblems(config: Record<string, unknown>): string[] {
  if (config.DCO_PROFILE === 'embedded' || config.DCO_ALLOW_SIMULATED === 'test') return [];
  return Object.entries(STAND_INS)
    .filter(([name, standIn]) => config[name] === standIn)
    .map(
      ([name, standIn]) =>
        `${name} (got "${standIn}"): ${standIn} is an in-memory stand-in that answers with made-up data; it is accepted only with DCO_PROFILE=embedded or, in tests, DCO_ALLOW_SIMULATED=test`,
    );
}

/** Names of the environment variables `cls` declares: its own, inherited and optional ones. */
export function declaredVariables(cls: ClassConstructor<object>): Set<string> {
  const names = new Set(Object.keys(new cls()));
  // Optional properties without defaults are not own keys of an instance; class-validator metadata knows them.
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false))
    names.add(meta.propertyName);
  return names;
}

function convert(value: string, example: unknown): unknown {
  if (typeof example === 'number') return /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof example === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function redact(name: string, value: string): string {
  // A URL's user:password is a secret whatever the variable is called.
  return /TOKEN|KEY|SECRET|PASSWORD|CREDENTIALS/i.test(name)
    ? '***'
    : value.replace(/\/\/[^/@\s]*@/, '//***@').slice(0, 80);
}
