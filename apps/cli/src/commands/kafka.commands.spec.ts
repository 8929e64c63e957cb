// dco kafka acls: the table for a namespace, prefix and principal template, this environment's defaults, every rejected
// argument with its code, and --apply's read-back (missing rules fail, rules beyond the table are listed) on a stub admin.
import { Command } from 'commander';
import { Admin } from 'kafkajs';
import { AclRule, toKafkajsAcls } from '@dco/messaging';
import { CliError, EXIT } from '../cli-error';
import { aclTableFor, register } from './kafka.commands';

type KafkajsAcl = ReturnType<typeof toKafkajsAcls>[number];

/** A broker's ACL store as kafkajs' admin shows it; `drop` loses created rules matching it (a broker that refuses some). */
function stubAdmin(held: KafkajsAcl[] = [], drop: (acl: KafkajsAcl) => boolean = () => false) {
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    createAcls: async ({ acl }: { acl: KafkajsAcl[] }) => void held.push(...acl.filter((entry) => !drop(entry))),
    describeAcls: async () => ({
      resources: held.map((acl) => ({
        resourceType: acl.resourceType,
        resourceName: acl.resourceName,
        resourcePatternType: acl.resourcePatternType,
        acls: [{ principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: 3 }],
      })),
    }),
  };
  return admin as unknown as Admin;
}

describe('dco kafka acls', () => {
  let logs: string[];
  const run = async (admin: Admin, ...args: string[]) => {
    const program = new Command('dco').exitOverride();
    register(program, () => admin);
    await program.parseAsync(args, { from: 'user' });
  };
  beforeEach(() => {
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());

  const writes = (rules: AclRule[], topic: string) =>
    rules
      .filter((r) => r.resourceType === 'TOPIC' && r.operation === 'WRITE' && r.name === topic)
      .map((r) => r.principal);

  it("gives staging's principals production's rights under staging's names, and nothing under production's", () => {
    const { rules } = aclTableFor(
      { namespace: 'dco-staging', topicPrefix: 'staging.', principal: 'User:staging-{service}' },
      {},
    );
    // The operator's principal writes every topic, for re-driving dead letters.
    expect(writes(rules, 'staging.ApplyInfra').sort()).toEqual(['User:staging-cli', 'User:staging-orchestrator']);
    expect(writes(rules, 'staging.InfraApplied').sort()).toEqual(['User:staging-cli', 'User:staging-infra-deployer']);
    expect(writes(rules, 'ApplyInfra')).toEqual([]);
    expect(rules.every((rule) => rule.principal.startsWith('User:staging-'))).toBe(true);
    const groups = rules.filter((rule) => rule.resourceType === 'GROUP').map((rule) => rule.name);
    expect(groups.filter((name) => !name.startsWith('dco-staging.') && !name.startsWith('dco-dlq-reader-'))).toEqual(
      [],
    );
  });

  it("defaults to this environment's DCO_NAMESPACE and DCO_TOPIC_PREFIX, as the services read them", () => {
    const fromEnv = aclTableFor({}, { DCO_NAMESPACE: 'dco-staging', DCO_TOPIC_PREFIX: 'staging.' });
    expect(fromEnv.rules).toEqual(aclTableFor({ namespace: 'dco-staging', topicPrefix: 'staging.' }, {}).rules);
    expect(aclTableFor({}, {})).toMatchObject({ namespace: 'dco', topicPrefix: '' });
  });

  it.each([
    [{ namespace: 'Dco_Prod' }, /--namespace/],
    [{ namespace: 'x'.repeat(41) }, /--namespace/],
    [{ topicPrefix: '../etc' }, /--topic-prefix/],
    [{ principal: 'User:staging' }, /--principal/],
    [{ principal: 'Group:{service}' }, /--principal/],
    [{ principal: 'User:{service} ; rm' }, /--principal/],
  ])('refuses %j with CLI.INVALID_ARGUMENT and exit 2', (options, message) => {
    const refusal = (() => {
      try {
        aclTableFor(options, {});
      } catch (error) {
        return error as CliError;
      }
      return undefined;
    })();
    expect(refusal).toMatchObject({ code: 'CLI.INVALID_ARGUMENT', exitCode: EXIT.USAGE, message });
  });

  it('prints one line per rule, or the table as JSON', async () => {
    await run(stubAdmin(), 'kafka', 'acls', '--namespace', 'dco-staging', '--topic-prefix', 'staging.');
    const table = aclTableFor({ namespace: 'dco-staging', topicPrefix: 'staging.' }, {}).rules;
    expect(logs).toHaveLength(table.length);
    expect(logs).toContainEqual(
      expect.stringMatching(/^ALLOW User:orchestrator\s+WRITE\s+TOPIC\s+LITERAL\s+staging\.ApplyInfra$/),
    );
    logs = [];
    await run(stubAdmin(), 'kafka', 'acls', '--json');
    expect(JSON.parse(logs[0])).toMatchObject({ namespace: 'dco', topicPrefix: '', rules: expect.any(Array) });
  });

  it('applies the table and lists what the principals hold beyond it, without removing it', async () => {
    const beyond = toKafkajsAcls([
      {
        principal: 'User:infra-deployer',
        resourceType: 'TOPIC',
        pattern: 'LITERAL',
        name: 'ApplyInfra',
        operation: 'WRITE',
      },
      {
        principal: 'User:someone-else',
        resourceType: 'TOPIC',
        pattern: 'LITERAL',
        name: 'ApplyInfra',
        operation: 'WRITE',
      },
    ]);
    const held = [...beyond];
    await run(stubAdmin(held), 'kafka', 'acls', '--apply', '--json');
    const output = JSON.parse(logs[0]) as { held: number; created: number; extra: AclRule[] };
    expect(output.held).toBe(aclTableFor({}, {}).rules.length);
    expect(output.created).toBe(aclTableFor({}, {}).rules.length);
    expect(output.extra).toEqual([
      {
        principal: 'User:infra-deployer',
        resourceType: 'TOPIC',
        pattern: 'LITERAL',
        name: 'ApplyInfra',
        operation: 'WRITE',
      },
    ]);
    expect(held.slice(0, 2)).toEqual(beyond);
  });

  it('creates only what the broker lacks: applied again, every rule is held and none is created', async () => {
    const held: KafkajsAcl[] = [];
    await run(stubAdmin(held), 'kafka', 'acls', '--apply', '--json');
    const table = held.length;
    await run(stubAdmin(held), 'kafka', 'acls', '--apply', '--json');
    expect(JSON.parse(logs[1])).toMatchObject({ held: table, created: 0, extra: [] });
    expect(held).toHaveLength(table);
    await run(stubAdmin(held), 'kafka', 'acls', '--apply');
    expect(logs[2]).toBe(`${table} rules held (0 created now) for namespace dco, topic prefix ""`);
  });

  it('fails with CLI.ACLS_INCOMPLETE when the broker does not hold a rule after creating it', async () => {
    const admin = stubAdmin([], (acl) => acl.resourceName === 'InfraApplied');
    await expect(run(admin, 'kafka', 'acls', '--apply')).rejects.toMatchObject({
      code: 'CLI.ACLS_INCOMPLETE',
      message: expect.stringContaining('InfraApplied'),
    });
  });

  it('turns a broker failure into CLI.KAFKA_UNAVAILABLE (exit 5)', async () => {
    const admin = {
      ...(stubAdmin() as object),
      createAcls: async () => Promise.reject(new Error('Connection timeout')),
    };
    await expect(run(admin as unknown as Admin, 'kafka', 'acls', '--apply')).rejects.toMatchObject({
      code: 'CLI.KAFKA_UNAVAILABLE',
      exitCode: EXIT.UNAVAILABLE,
    });
  });
});
