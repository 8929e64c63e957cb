// In-memory stand-in of change detection with outcomes from config (DCO_SIMULATE_DETECT, DCO_SIMULATED_CHANGES),
// selected by DCO_STAGE_ENGINE=simulated (embedded, or the saga's process-level specs with DCO_ALLOW_SIMULATED=test; ADR 0014).
import { CHANGE_KINDS, Change, ChangeKind, ConfigError } from '@dco/contracts';
import { DetectChangesPort, actOut, parseSimulatedBehaviour } from '@dco/platform';
import { DetectorConfig } from '../detector.config';

const EXAMPLES: Record<ChangeKind, Change> = {
  'neo4j-ami': {
    kind: 'neo4j-ami',
    subject: 'neo4j',
    from: 'ami-neo4j-5-20-0',
    to: 'ami-neo4j-5-26-19',
    risk: 'medium',
    reason: 'a newer Neo4j AMI was published',
  },
  'terraform-config': {
    kind: 'terraform-config',
    subject: 'infra',
    from: 'sha256:old',
    to: 'sha256:new',
    risk: 'low',
    reason: 'Terraform configuration changed since the last apply',
  },
  'app-release': {
    kind: 'app-release',
    subject: 'dco-runner',
    from: 'dco-runner:1.4.0',
    to: 'dco-runner:1.5.0',
    risk: 'low',
    reason: 'release manifest names a newer image',
  },
  dependency: {
    kind: 'dependency',
    subject: 'neo4j-driver',
    from: '5.28.0',
    to: '6.3.0',
    risk: 'low',
    reason: 'dependency manifest changed',
  },
  'aws-offering': {
    kind: 'aws-offering',
    subject: 'm5.large',
    to: 'retiring',
    risk: 'medium',
    reason: 'instance type on the retirement list',
  },
  external: {
    kind: 'external',
    subject: 'security-feed',
    to: 'CVE-2026-0001',
    risk: 'medium',
    reason: 'external change report',
  },
  drift: {
    kind: 'drift',
    subject: 'ecs-service dco-autopilot/orchestrator desiredCount',
    from: '2',
    to: '5',
    risk: 'medium',
    reason: 'ECS service dco-autopilot/orchestrator desiredCount is 5 live, the last apply left 2',
    drift: {
      resource: 'ecs-service dco-autopilot/orchestrator',
      attribute: 'desiredCount',
      expected: '2',
      live: '5',
      address: 'terraform_data.service_scale["orchestrator"]',
    },
  },
};

/** Parses DCO_SIMULATED_CHANGES: a comma-separated list of change kinds, or "none". */
export function parseSimulatedChanges(value: string | undefined): Change[] {
  const text = (value ?? 'neo4j-ami,terraform-config').trim();
  if (text === 'none' || text === '') return [];
  return text.split(',').map((raw) => {
    const kind = raw.trim() as ChangeKind;
    if (!CHANGE_KINDS.includes(kind)) {
      throw new ConfigError(
        `DCO_SIMULATED_CHANGES has unknown change kind "${raw}" (known: ${CHANGE_KINDS.join(', ')}, or none)`,
      );
    }
    return EXAMPLES[kind];
  });
}

export function simulatedDetector(config: DetectorConfig, env: NodeJS.ProcessEnv = process.env) {
  const behaviour = parseSimulatedBehaviour('DCO_SIMULATE_DETECT', config.DCO_SIMULATE_DETECT);
  const changes = parseSimulatedChanges(env.DCO_SIMULATED_CHANGES);
  const detectChanges: DetectChangesPort = async (command) => {
    await actOut(behaviour, 'detect');
    return {
      day: command.data.day,
      changes,
      sources: [{ source: 'simulated', status: 'ok', durationMs: behaviour.kind === 'ok' ? behaviour.delayMs : 0 }],
    };
  };
  return { detectChanges };
}
