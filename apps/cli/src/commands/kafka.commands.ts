// `dco kafka acls`: the bus's ACL table (ADR 0019) for one deployment's namespace, topic prefix and principals. Printed by
// default (to review, or to hand to whoever runs the cluster); with --apply, created on the broker with the operator's
// admin principal, then read back: a rule the broker does not hold fails the command (CLI.ACLS_INCOMPLETE), and the
// ACLs the table's principals hold beyond it are listed (never deleted: removing access is a decision, not a sync).
// Staging's table: `dco kafka acls --namespace dco-staging --topic-prefix staging. --principal 'User:staging-{service}'`.
import { Command } from 'commander';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  Kafka,
  ResourcePatternTypes,
  logLevel,
} from 'kafkajs';
import {
  AclRule,
  KAFKA_PRINCIPALS,
  KafkaPrincipal,
  kafkaAclTable,
  kafkaSecurityConfig,
  toKafkajsAcls,
} from '@dco/messaging';
import { NAMESPACE_PATTERN, TOPIC_PREFIX_PATTERN } from '@dco/platform';
import { CliError, EXIT } from '../cli-error';
import { kafkaConnectionOf } from '../kafka-connection';

export interface AclsOptions {
  namespace?: string;
  topicPrefix?: string;
  principal?: string;
  apply?: boolean;
  brokers?: string;
  json?: boolean;
}

export type AdminFactory = (brokers: string | undefined) => Admin;

const kafkaAdmin: AdminFactory = (brokersOption) => {
  const { brokers, security } = kafkaConnectionOf(brokersOption);
  return new Kafka({
    brokers,
    clientId: 'dco-cli',
    ...kafkaSecurityConfig(security),
    logLevel: logLevel.NOTHING,
  }).admin();
};

// The names are checked as the services check DCO_NAMESPACE and DCO_TOPIC_PREFIX: a table for a name no service
// accepts would protect nothing.
const PRINCIPAL = /^User:[A-Za-z0-9._@-]*\{service\}[A-Za-z0-9._@-]*$/;

export interface AclTableChoice {
  namespace: string;
  topicPrefix: string;
  rules: AclRule[];
}

/** The table for the options, defaulting to this environment's DCO_NAMESPACE and DCO_TOPIC_PREFIX. */
export function aclTableFor(options: AclsOptions, env: NodeJS.ProcessEnv = process.env): AclTableChoice {
  const namespace = options.namespace ?? env.DCO_NAMESPACE ?? 'dco';
  const topicPrefix = options.topicPrefix ?? env.DCO_TOPIC_PREFIX ?? '';
  const template = options.principal ?? 'User:{service}';
  if (!NAMESPACE_PATTERN.test(namespace))
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      `--namespace (DCO_NAMESPACE) must be 1-40 lowercase letters, digits or dashes, got "${namespace}"`,
      EXIT.USAGE,
    );
  if (topicPrefix !== '' && !TOPIC_PREFIX_PATTERN.test(topicPrefix))
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      `--topic-prefix (DCO_TOPIC_PREFIX) must be up to 41 lowercase letters, digits, dots or dashes, got "${topicPrefix}"`,
      EXIT.USAGE,
    );
  if (!PRINCIPAL.test(template))
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      `--principal must be User:<name> containing {service} once (e.g. User:staging-{service}), got "${template}"`,
      EXIT.USAGE,
    );
  const principalOf = (service: KafkaPrincipal) => template.replace('{service}', service);
  return { namespace, topicPrefix, rules: kafkaAclTable({ namespace, topicPrefix, principalOf }) };
}

export interface AppliedAcls {
  /** Rules of the table the broker holds after the apply: all of them, or CLI.ACLS_INCOMPLETE. */
  held: number;
  /** Of those, the ones the broker did not hold before (0 when the table was applied already). */
  created: number;
  /** ACLs the table's principals hold on the broker that the table does not list. */
  extra: AclRule[];
}

const nameOf = <T extends Record<string, string | number>>(enumeration: T, value: number): string =>
  Object.entries(enumeration).find(([, candidate]) => candidate === value)?.[0] ?? String(value);
const keyOf = (rule: AclRule) => [rule.principal, rule.resourceType, rule.pattern, rule.name, rule.operation].join(' ');

/** Every ALLOW rule the broker holds. */
async function heldAcls(admin: Admin): Promise<AclRule[]> {
  const described = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return described.resources.flatMap((resource) =>
    resource.acls.map(
      (acl) =>
        ({
          principal: acl.principal,
          resourceType: nameOf(AclResourceTypes, resource.resourceType),
          pattern: nameOf(ResourcePatternTypes, resource.resourcePatternType),
          name: resource.resourceName,
          operation: nameOf(AclOperationTypes, acl.operation),
        }) as AclRule,
    ),
  );
}

/**
 * Creates the rules the broker does not hold yet (creating one it holds would change nothing), then compares what the
 * broker holds with the table.
 */
export async function applyAcls(admin: Admin, rules: readonly AclRule[]): Promise<AppliedAcls> {
  await admin.connect();
  try {
    const before = new Set((await heldAcls(admin)).map(keyOf));
    const absent = rules.filter((rule) => !before.has(keyOf(rule)));
    if (absent.length > 0) await admin.createAcls({ acl: toKafkajsAcls(absent) });
    const held = await heldAcls(admin);
    const heldKeys = new Set(held.map(keyOf));
    const missing = rules.filter((rule) => !heldKeys.has(keyOf(rule)));
    if (missing.length > 0)
      throw new CliError(
        'CLI.ACLS_INCOMPLETE',
        `the broker does not hold ${missing.length} of the ${rules.length} rules after creating them, e.g. ${keyOf(missing[0])}`,
        EXIT.FAILURE,
      );
    const principals = new Set(rules.map((rule) => rule.principal));
    const wanted = new Set(rules.map(keyOf));
    const extra = held.filter((rule) => principals.has(rule.principal) && !wanted.has(keyOf(rule)));
    return { held: rules.length, created: absent.length, extra };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('CLI.KAFKA_UNAVAILABLE', `could not apply the ACLs: ${message}`, EXIT.UNAVAILABLE);
  } finally {
    await admin.disconnect();
  }
}

const line = (rule: AclRule) =>
  `ALLOW ${rule.principal.padEnd(28)} ${rule.operation.padEnd(16)} ${rule.resourceType.padEnd(16)} ${rule.pattern.padEnd(8)} ${rule.name}`;

export function register(program: Command, adminOf: AdminFactory = kafkaAdmin): void {
  const kafka = program.command('kafka').description('the Kafka bus of a deployment');
  kafka
    .command('acls')
    .description("print (or, with --apply, create) the bus's ACL table for a namespace, topic prefix and principals")
    .option('--namespace <ns>', 'DCO_NAMESPACE of the deployment (default: DCO_NAMESPACE, else dco)')
    .option('--topic-prefix <prefix>', 'DCO_TOPIC_PREFIX of the deployment (default: DCO_TOPIC_PREFIX, else none)')
    .option('--principal <template>', `each service's principal, {service} one of ${KAFKA_PRINCIPALS.join(', ')}`)
    .option('--apply', "create the rules on the broker with the operator's admin principal, then check them")
    .option('--brokers <list>', 'Kafka brokers host:port[,host:port] for --apply (default: KAFKA_BROKERS)')
    .option('--json', 'machine-readable output')
    .action(async (options: AclsOptions) => {
      const { namespace, topicPrefix, rules } = aclTableFor(options);
      if (!options.apply) {
        if (options.json) console.log(JSON.stringify({ namespace, topicPrefix, rules }));
        else rules.forEach((rule) => console.log(line(rule)));
        return;
      }
      const applied = await applyAcls(adminOf(options.brokers), rules);
      if (options.json) console.log(JSON.stringify({ namespace, topicPrefix, ...applied }));
      else {
        console.log(
          `${applied.held} rules held (${applied.created} created now) for namespace ${namespace}, topic prefix "${topicPrefix}"`,
        );
        for (const rule of applied.extra) console.log(`beyond the table: ${line(rule)}`);
      }
    });
}
