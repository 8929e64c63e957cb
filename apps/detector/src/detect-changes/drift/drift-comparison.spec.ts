import { ChangesDetectedData, CodedError, validateData } from '@dco/contracts';
import { ExpectedResources, compareDrift, driftChanges, expectedResources } from './drift-comparison';

const VARS = {
  environment: 'local',
  cluster_name: 'dco-autopilot',
  event_bus_name: 'dco-bus',
  neo4j_uri: 'bolt://127.0.0.1:17687',
  apps: { orchestrator: { image: 'o:1', desired_count: 2 }, detector: { image: 'd:1', desired_count: 1 } },
};
const ENV = (app: string) => ({ DCO_APP: app, NEO4J_URI: 'bolt://127.0.0.1:17687' });
const DECLARED = (app: string) => ({ DCO_APP: app });
const IN_SYNC = {
  services: [
    { app: 'orchestrator', desiredCount: 2, taskEnvironment: ENV('orchestrator') },
    { app: 'detector', desiredCount: 1, taskEnvironment: ENV('detector') },
  ],
  rules: ['dco-alerts', 'someone-elses'],
};

const codeOf = (call: () => unknown): string | undefined => {
  try {
    call();
  } catch (error) {
    return (error as CodedError).code;
  }
  return undefined;
};

describe('expectedResources', () => {
  it('derives what infra/main.tf makes from the applied variables', () => {
    expect(expectedResources(VARS)).toEqual<ExpectedResources>({
      cluster: 'dco-autopilot',
      eventBus: 'dco-bus',
      rules: ['dco-alerts'],
      services: [
        { app: 'detector', family: 'dco-local-detector', desiredCount: 1, environment: DECLARED('detector') },
        {
          app: 'orchestrator',
          family: 'dco-local-orchestrator',
          desiredCount: 2,
          environment: DECLARED('orchestrator'),
        },
      ],
    });
  });

  it.each([
    ['not an object', []],
    ['no environment', { ...VARS, environment: undefined }],
    ['a cluster name that is no identifier', { ...VARS, cluster_name: 'a b' }],
    ['no apps', { ...VARS, apps: 'x' }],
    ['a negative desired count', { ...VARS, apps: { a: { desired_count: -1 } } }],
    ['a fractional desired count', { ...VARS, apps: { a: { desired_count: 1.5 } } }],
    ['an app name that is no identifier', { ...VARS, apps: { 'a/b': { desired_count: 1 } } }],
    ['a memory that is no positive whole number of MiB', { ...VARS, apps: { a: { desired_count: 1, memory: '1Gi' } } }],
  ])('rejects a baseline with %s (DETECT.DRIFT_BASELINE_INVALID)', (_, vars) => {
    expect(codeOf(() => expectedResources(vars))).toBe('DETECT.DRIFT_BASELINE_INVALID');
  });
});

describe('compareDrift', () => {
  const expected = expectedResources(VARS);

  it("expects the heap infra/main.tf derives from an app's memory (5/8 of it), and finds a task running another", () => {
    const sized = expectedResources({ ...VARS, apps: { 'dco-runner': { desired_count: 1, memory: 1024 } } });
    expect(sized.services[0].environment).toEqual({ DCO_APP: 'dco-runner', NODE_OPTIONS: '--max-old-space-size=640' });
    const live = (NODE_OPTIONS?: string) => ({
      services: [
        {
          app: 'dco-runner',
          desiredCount: 1,
          taskEnvironment: { DCO_APP: 'dco-runner', ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}) },
        },
      ],
      rules: ['dco-alerts'],
    });
    expect(compareDrift(sized, live('--max-old-space-size=640'))).toEqual([]);
    expect(compareDrift(sized, live('--max-old-space-size=4096'))).toEqual([
      {
        resource: 'ecs-task-definition dco-local-dco-runner',
        attribute: 'environment.NODE_OPTIONS',
        expected: '--max-old-space-size=640',
        live: '--max-old-space-size=4096',
        address: 'terraform_data.task_definition["dco-runner"]',
      },
    ]);
    expect(compareDrift(sized, live()).map((finding) => finding.live)).toEqual(['(unset)']);
  });

  it('finds nothing when the live resources are as applied (other rules on the bus are not ours)', () => {
    expect(compareDrift(expected, IN_SYNC)).toEqual([]);
  });

  it('a released image or a cutover to green (NEO4J_URI) is not drift: rollouts and the db-migrator own them', () => {
    const moved = IN_SYNC.services.map((service) => ({
      ...service,
      taskEnvironment: { ...service.taskEnvironment, NEO4J_URI: 'bolt://green:7687' },
    }));
    expect(compareDrift(expected, { ...IN_SYNC, services: moved })).toEqual([]);
  });

  it('names the resource, the attribute, the expected and live values and the address to replace', () => {
    const live = {
      ...IN_SYNC,
      services: [
        { app: 'orchestrator', desiredCount: 5, taskEnvironment: { DCO_APP: 'detector' } },
        { app: 'detector' },
      ],
      rules: [],
    };
    expect(compareDrift(expected, live)).toEqual([
      {
        resource: 'ecs-service dco-autopilot/detector',
        attribute: 'exists',
        expected: 'true',
        live: 'false',
        address: 'terraform_data.service["detector"]',
      },
      {
        resource: 'ecs-task-definition dco-local-detector',
        attribute: 'exists',
        expected: 'true',
        live: 'false',
        address: 'terraform_data.task_definition["detector"]',
      },
      {
        resource: 'ecs-service dco-autopilot/orchestrator',
        attribute: 'desiredCount',
        expected: '2',
        live: '5',
        address: 'terraform_data.service_scale["orchestrator"]',
      },
      {
        resource: 'ecs-task-definition dco-local-orchestrator',
        attribute: 'environment.DCO_APP',
        expected: 'orchestrator',
        live: 'detector',
        address: 'terraform_data.task_definition["orchestrator"]',
      },
      {
        resource: 'eventbridge-rule dco-bus/dco-alerts',
        attribute: 'exists',
        expected: 'true',
        live: 'false',
        address: 'terraform_data.alert_rule',
      },
    ]);
  });

  it('a missing bus is one finding, not one per rule', () => {
    expect(compareDrift(expected, { services: IN_SYNC.services })).toEqual([
      expect.objectContaining({ resource: 'eventbridge-bus dco-bus', address: 'terraform_data.event_bus' }),
    ]);
  });
});

describe('driftChanges', () => {
  const findings = compareDrift(expectedResources(VARS), {
    ...IN_SYNC,
    services: [IN_SYNC.services[1], { ...IN_SYNC.services[0], desiredCount: 5 }],
  });

  it('reapply: a medium-risk change the apply restores, valid against the contract', () => {
    const [change] = driftChanges(findings, 'reapply');
    expect(change).toMatchObject({
      kind: 'drift',
      subject: 'ecs-service dco-autopilot/orchestrator desiredCount',
      from: '2',
      to: '5',
      risk: 'medium',
      drift: { attribute: 'desiredCount', expected: '2', live: '5' },
    });
    expect(change.reason).toContain('re-applied');
    const verdict = validateData(ChangesDetectedData, { day: '2026-12-01', changes: [change], sources: [] });
    expect(verdict).toEqual({ ok: true, data: expect.objectContaining({ changes: [change] }) });
  });

  it('approve: high risk, so the run asks a person first', () => {
    expect(driftChanges(findings, 'approve')).toEqual([expect.objectContaining({ risk: 'high' })]);
  });

  it('ignore: no change', () => {
    expect(driftChanges(findings, 'ignore')).toEqual([]);
  });
});
