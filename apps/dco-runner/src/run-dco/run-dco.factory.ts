// Builds the real RunDco stage from the service's config: the reference offering or the ECS job, on Neo4j or in memory.
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientOptions } from '@dco/aws';
import { Clock, IdGenerator } from '@dco/contracts';
import {
  DcoExecutor,
  DcoLedger,
  DEFAULT_NEO4J_URI,
  generateDemoAccounts,
  generateDemoContributions,
  InMemoryDcoLedger,
} from '@dco/dco';
import { connectionPointerStoreOf, neo4jCredentialsOf } from '@dco/neo4j';
import { RunDcoPort } from '@dco/platform';
import { DcoRunnerConfig } from '../dco-runner.config';
import { EcsTaskDcoExecutor, sdkEcsTaskApi } from './ecs-task-dco.executor';
import { Neo4jLedgerSource } from './neo4j-ledger.source';
import { ReferenceDcoExecutor } from './reference-dco.executor';
import { runDcoUseCase } from './run-dco.use-case';

export interface RealDcoRunner {
  runDco: RunDcoPort;
  /** Opens the ledger before the first command (Neo4jLedgerSource.warmUp); whether it did. */
  warmUp(): Promise<boolean>;
  close(): Promise<void>;
}

export function realDcoRunner(config: DcoRunnerConfig, deps: { clock: Clock; ids: IdGenerator }): RealDcoRunner {
  const ledgers = ledgerSource(config, deps.clock);
  const ecs = config.DCO_EXECUTOR === 'ecs' ? new ECSClient(awsClientOptions(config)) : undefined;
  const executorFor = async (day: string): Promise<DcoExecutor> => {
    const ledger = await ledgers.ledger();
    if (ecs) {
      return new EcsTaskDcoExecutor(sdkEcsTaskApi(ecs), ledger, {
        cluster: config.DCO_ECS_CLUSTER as string,
        taskDefinition: config.DCO_ECS_TASK_DEFINITION as string,
        containerName: config.DCO_ECS_CONTAINER,
        launchType: config.DCO_ECS_LAUNCH_TYPE,
        subnets: list(config.DCO_ECS_SUBNETS),
        securityGroups: list(config.DCO_ECS_SECURITY_GROUPS),
        pollIntervalMs: config.DCO_ECS_POLL_MS,
        timeoutMs: config.DCO_ECS_TIMEOUT_MS,
      });
    }
    await ledgers.prepareDay?.(ledger, day);
    return new ReferenceDcoExecutor(ledger, deps, {
      dailyAmount: config.DCO_DAILY_AMOUNT as string,
      batchSize: config.DCO_ALLOCATION_BATCH_SIZE,
      writeConcurrency: config.DCO_WRITE_CONCURRENCY,
      readPageRows: config.DCO_READ_PAGE_ROWS,
      maxDayAccounts: config.DCO_MAX_DAY_ACCOUNTS,
    });
  };
  const close = async () => {
    ecs?.destroy();
    await ledgers.close();
  };
  return { runDco: runDcoUseCase(executorFor), warmUp: async () => (await ledgers.warmUp?.()) ?? false, close };
}

interface LedgerSource {
  ledger(): Promise<DcoLedger>;
  prepareDay?(ledger: DcoLedger, day: string): Promise<void>;
  warmUp?(): Promise<boolean>;
  close(): Promise<void>;
}

function ledgerSource(config: DcoRunnerConfig, clock: Clock): LedgerSource {
  const kind = config.DCO_LEDGER ?? (config.DCO_PROFILE === 'embedded' ? 'memory' : 'neo4j');
  if (kind === 'memory') {
    const ledger = new InMemoryDcoLedger();
    return {
      ledger: async () => ledger,
      prepareDay: (memory, day) => seedDemoDay(memory, day, config),
      close: async () => {},
    };
  }
  const pointer = connectionPointerStoreOf(config, {
    stateDir: config.DCO_STATE_DIR,
    ssm: () => new SSMClient(awsClientOptions(config)),
  });
  const credentials = neo4jCredentialsOf(config, config.DCO_PROFILE, config.DCO_STATE_DIR);
  return new Neo4jLedgerSource({
    defaultUri: config.NEO4J_URI ?? DEFAULT_NEO4J_URI,
    pointer,
    user: credentials?.user,
    password: credentials?.password,
    freezeWaitMs: config.DCO_NEO4J_FREEZE_WAIT_MS,
    clock,
  });
}

/** The embedded demo's contributions: generated once per day, deterministically, when the day has none. */
async function seedDemoDay(ledger: DcoLedger, day: string, config: DcoRunnerConfig): Promise<void> {
  if (config.DCO_DEMO_ACCOUNTS === 0 || config.DCO_DEMO_CONTRIBUTIONS === 0) return;
  if ((await ledger.findOffering(day)) || (await ledger.readDayInput(day)).contributions.length > 0) return;
  const generator = {
    day,
    accounts: config.DCO_DEMO_ACCOUNTS,
    contributions: config.DCO_DEMO_CONTRIBUTIONS,
    seed: Number(day.replaceAll('-', '')),
    capEvery: 10,
    cap: 10n ** 20n,
  };
  await ledger.upsertAccounts(generateDemoAccounts(generator));
  await ledger.addContributions(day, generateDemoContributions(generator));
}

function list(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}
