// `dco drill`: its arguments and configuration are refused with registered codes before a drill touches anything.
import { DRILL_KINDS } from '../drill/drill.model';
import { EXIT } from '../cli-error';
import { runCli } from '../main';
import { parseDrillKinds } from './drill.commands';

describe('dco drill arguments', () => {
  let errors: string[] = [];
  let spies: jest.SpyInstance[] = [];
  const saved = { ...process.env };
  beforeEach(() => {
    errors = [];
    spies = [
      jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line)),
      jest.spyOn(console, 'log').mockImplementation(() => undefined),
    ];
  });
  afterEach(() => {
    spies.forEach((spy) => spy.mockRestore());
    process.env = { ...saved };
  });

  it('takes all, or known kinds in the order given, each once', () => {
    expect(parseDrillKinds(['all'])).toEqual([...DRILL_KINDS]);
    expect(parseDrillKinds(['deployer-state-loss', 'neo4j-loss', 'deployer-state-loss'])).toEqual([
      'deployer-state-loss',
      'neo4j-loss',
    ]);
  });

  it('refuses an unknown kind with DR.UNKNOWN_KIND and the usage status', async () => {
    expect(await runCli(['drill', 'neo4j-loss', 'datacenter-fire'])).toBe(EXIT.USAGE);
    expect(errors.join('\n')).toMatch(/^DR\.UNKNOWN_KIND: unknown drill "datacenter-fire"/);
  });

  it.each([
    ['DCO_DRILL_NEO4J_NODES', 'many'],
    ['DCO_DRILL_NEO4J_LOSS_RTO_S', '0'],
    ['DCO_DRILL_NEO4J_VERSION', 'latest'],
    ['KAFKA_BROKERS', 'not a broker'],
  ])('refuses %s=%s with CONFIG.INVALID naming it', async (variable, value) => {
    process.env[variable] = value;
    expect(await runCli(['drill', 'orchestrator-loss'])).toBe(EXIT.FAILURE);
    expect(errors.join('\n')).toMatch(new RegExp(`CONFIG\\.INVALID.*${variable}`, 's'));
  });
});
