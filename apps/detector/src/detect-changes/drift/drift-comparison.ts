// Drift, pure: what the last apply left (its terraform.tfvars.json, read as infra/main.tf declares the resources) against
// the live resources read through the SDK; each differing attribute becomes a change of kind `drift`.
import { Change, CodedError, nodeOptionsFor } from '@dco/contracts';

export const DRIFT_POLICIES = ['reapply', 'approve', 'ignore'] as const;
/** reapply: the next apply restores the declared value; approve: a person decides first; ignore: not checked. */
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

/** The alert rule infra/main.tf declares on the event bus (terraform_data.alert_rule). */
export const ALERT_RULE_NAME = 'dco-alerts';

export interface ExpectedService {
  app: string;
  /** dco-<environment>-<app> (ADR 0011). */
  family: string;
  desiredCount: number;
  /** The task definition's environment infra/main.tf declares and nothing else changes (NEO4J_URI is the cutover's). */
  environment: Record<string, string>;
}

export interface ExpectedResources {
  cluster: string;
  services: ExpectedService[];
  eventBus: string;
  rules: string[];
}

export interface LiveService {
  app: string;
  /** undefined: the service does not exist (or is INACTIVE). */
  desiredCount?: number;
  /** The family's latest ACTIVE revision's environment; undefined: no revision. */
  taskEnvironment?: Record<string, string>;
}

export interface LiveResources {
  services: LiveService[];
  /** undefined: the bus does not exist. */
  rules?: string[];
}

export interface DriftFinding {
  resource: string;
  attribute: string;
  expected: string;
  live: string;
  /** The Terraform resource a re-apply replaces to restore the declared value. */
  address: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const invalid = (why: string): never => {
  throw new CodedError('DETECT.DRIFT_BASELINE_INVALID', `the last apply's terraform.tfvars.json ${why}`);
};

const nameAt = (value: unknown, field: string): string =>
  typeof value === 'string' && NAME.test(value) ? value : invalid(`has no valid ${field}`);

/** The resources infra/main.tf makes from these variables; throws DETECT.DRIFT_BASELINE_INVALID on a malformed file. */
export function expectedResources(vars: unknown): ExpectedResources {
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) return invalid('is not a JSON object');
  const values = vars as Record<string, unknown>;
  const environment = nameAt(values.environment, 'environment');
  const cluster = nameAt(values.cluster_name, 'cluster_name');
  const eventBus = nameAt(values.event_bus_name, 'event_bus_name');
  const apps = values.apps;
  if (typeof apps !== 'object' || apps === null || Array.isArray(apps)) return invalid('has no apps object');
  const services = Object.entries(apps as Record<string, unknown>).map(([app, spec]): ExpectedService => {
    nameAt(app, 'app name');
    const { desired_count: count, memory } = (spec ?? {}) as { desired_count?: unknown; memory?: unknown };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
      return invalid(`has no valid apps.${app}.desired_count`);
    if (memory !== undefined && (typeof memory !== 'number' || !Number.isInteger(memory) || memory <= 0))
      return invalid(`has no valid apps.${app}.memory`);
    return {
      app,
      family: `dco-${environment}-${app}`,
      desiredCount: count,
      // The heap infra/main.tf derives from the task's memory (ADR 0035): a task running another heap is drift.
      environment: { DCO_APP: app, ...(memory === undefined ? {} : { NODE_OPTIONS: nodeOptionsFor(memory) }) },
    };
  });
  return { cluster, services: services.sort((a, b) => a.app.localeCompare(b.app)), eventBus, rules: [ALERT_RULE_NAME] };
}

/**
 * Every attribute that differs. Two task-definition attributes Terraform declares are not compared, because another
 * stage owns them after the apply: the image (rollouts, ADR 0008: a newer image is a release, not drift) and NEO4J_URI
 * (the db-migrator's cutover points the consumers at green, ADR 0006).
 */
export function compareDrift(expected: ExpectedResources, live: LiveResources): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const liveServices = new Map(live.services.map((service) => [service.app, service]));
  for (const service of expected.services) {
    const resource = `ecs-service ${expected.cluster}/${service.app}`;
    const current = liveServices.get(service.app);
    if (current?.desiredCount === undefined) {
      findings.push({
        resource,
        attribute: 'exists',
        expected: 'true',
        live: 'false',
        address: `terraform_data.service["${service.app}"]`,
      });
    } else if (current.desiredCount !== service.desiredCount) {
      findings.push({
        resource,
        attribute: 'desiredCount',
        expected: String(service.desiredCount),
        live: String(current.desiredCount),
        address: `terraform_data.service_scale["${service.app}"]`,
      });
    }
    const definition = `ecs-task-definition ${service.family}`;
    const address = `terraform_data.task_definition["${service.app}"]`;
    if (!current?.taskEnvironment) {
      findings.push({ resource: definition, attribute: 'exists', expected: 'true', live: 'false', address });
      continue;
    }
    for (const [name, value] of Object.entries(service.environment)) {
      const actual = current.taskEnvironment[name];
      if (actual !== value)
        findings.push({
          resource: definition,
          attribute: `environment.${name}`,
          expected: value,
          live: actual ?? '(unset)',
          address,
        });
    }
  }
  if (live.rules === undefined) {
    findings.push({
      resource: `eventbridge-bus ${expected.eventBus}`,
      attribute: 'exists',
      expected: 'true',
      live: 'false',
      address: 'terraform_data.event_bus',
    });
  } else {
    for (const rule of expected.rules.filter((name) => !live.rules?.includes(name)))
      findings.push({
        resource: `eventbridge-rule ${expected.eventBus}/${rule}`,
        attribute: 'exists',
        expected: 'true',
        live: 'false',
        address: 'terraform_data.alert_rule',
      });
  }
  return findings;
}

/**
 * The findings as changes. reapply = medium risk (no approval under the default SAGA_APPROVAL_RISKS=high), approve =
 * high risk (the run's approval gate asks a person first); ignore = none.
 */
export function driftChanges(findings: DriftFinding[], policy: DriftPolicy): Change[] {
  if (policy === 'ignore') return [];
  return findings.map((finding) => ({
    kind: 'drift' as const,
    subject: `${finding.resource} ${finding.attribute}`.slice(0, 200),
    from: finding.expected.slice(0, 500),
    to: finding.live.slice(0, 500),
    risk: policy === 'approve' ? ('high' as const) : ('medium' as const),
    reason:
      `${finding.resource} ${finding.attribute} is ${finding.live} live, the last apply left ${finding.expected}; ` +
      `policy ${policy}: ${policy === 'approve' ? 'a person approves the re-apply' : 're-applied'} (${finding.address})`,
    drift: { ...finding, expected: finding.expected.slice(0, 500), live: finding.live.slice(0, 500) },
  }));
}
