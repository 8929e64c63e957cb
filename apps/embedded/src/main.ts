// npm start: the whole DCO Autopilot in one process (embedded profile: in-memory bus, graph and cloud; or --profile local
// against the local stack), running one complete daily cycle with a live log, then keeping the API and dashboard up.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ALL_MESSAGE_TYPES, CLI_ERROR_CODES, CodedError, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { InMemoryMessageBus, MessageBus } from '@dco/messaging';
import { setupServiceObservability } from '@dco/observability';
import { randomBytes } from 'node:crypto';
import {
  CommonConfig,
  EXIT_CONFIG,
  httpsOptionsOf,
  keepConnectionsAlive,
  sha256Hex,
  isConfigError,
  PlatformModule,
  createBus,
  loadConfig,
  startCommandWorkers,
  uuidGenerator,
} from '@dco/platform';
import { AuditQuery, OrchestratorConfig } from '../../orchestrator/src';
import { dayInZone, zonedTimeToInstant } from '@dco/saga';
import { nextOfferingDay, parseEmbeddedArgs } from './embedded-args';
import { EMBEDDED_DEFAULTS, serviceModules } from './embedded.modules';
import { FINAL_TYPES, formatAuditLine, formatLine } from './run-console';

/** The demo needs the updates' expected duration before the deadline, or the saga rightly defers them. */
const DEMO_LEAD_MS = 60 * 60 * 1000;

async function main(): Promise<void> {
  const args = parseEmbeddedArgs(process.argv.slice(2));
  // The demo runs the real use cases (on in-memory fakes when embedded); stage modules read process.env themselves.
  for (const [name, value] of Object.entries(EMBEDDED_DEFAULTS)) process.env[name] ??= value;
  // A person reads this console: log lines of every module (some create their own logger) in the live log's format.
  process.env.LOG_FORMAT = args.logFormat ?? process.env.LOG_FORMAT ?? 'human';
  const generatedToken = generateLocalCredential(process.env);
  const env = { ...process.env, DCO_PROFILE: args.profile };
  const orchestratorConfig = loadConfig(OrchestratorConfig, env);
  const now = systemClock.now();
  const day =
    args.day ??
    nextOfferingDay(
      now,
      (candidate) => zonedTimeToInstant(candidate, orchestratorConfig.DCO_DEADLINE, orchestratorConfig.DCO_TIME_ZONE),
      dayInZone(now, orchestratorConfig.DCO_TIME_ZONE),
      DEMO_LEAD_MS,
    );
  const common = loadConfig(CommonConfig, env);
  // One process, one registry and tracer: /metrics, run traces (when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set), bus hooks.
  const observability = setupServiceObservability({
    service: 'dco-autopilot',
    otlpEndpoint: common.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    logLevel: common.LOG_LEVEL,
    logFormat: common.LOG_FORMAT,
    ids: uuidGenerator,
    producer: 'orchestrator',
    namespace: common.DCO_NAMESPACE,
  });
  const bus: MessageBus =
    args.profile === 'embedded'
      ? new InMemoryMessageBus(observability.busHooks)
      : await createBus(common, 'dco-autopilot', observability.busHooks);
  observability.attachBus(bus);

  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'dco-autopilot', config: common, bus }),
      observability.module,
      ...serviceModules(env, orchestratorConfig),
    ],
  })
  class EmbeddedModule {}

  const app = await NestFactory.create(EmbeddedModule, {
    logger: ['error', 'warn'],
    httpsOptions: httpsOptionsOf(common),
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await startCommandWorkers(app);
  keepConnectionsAlive(app.getHttpServer());
  await app.listen(common.PORT, common.HOST);
  const url = `${common.DCO_API_TLS_CERT_FILE ? 'https' : 'http'}://${common.HOST}:${common.PORT}`;
  console.log(
    `DCO Autopilot (${args.profile} profile) on ${url}  (dashboard ${url}/, API ${url}/api/runs, health ${url}/health)`,
  );
  if (generatedToken)
    console.log(
      `API token of the generated admin credential "local-admin" (shown once; sign in to the dashboard with it, or: export DCO_API_TOKEN=${generatedToken})`,
    );

  const runId = runIdOf(day);
  const finished = new Promise<string>((resolve) => {
    void bus.subscribe({
      group: 'embedded-console',
      types: ALL_MESSAGE_TYPES,
      handler: async (message) => {
        if (message.runId !== runId) return;
        const line = formatLine(message);
        if (line) console.log(line);
        if ((FINAL_TYPES as readonly string[]).includes(message.type)) resolve(message.type);
      },
    });
  });

  await bus.publish(
    createMessage(
      'DailyTick',
      { day, trigger: 'manual', scheduledAt: systemClock.now().toISOString() },
      { runId, producer: 'scheduler' },
      { clock: systemClock, ids: uuidGenerator },
    ),
  );

  const outcome = await finished;
  // The run's audit trail as the API serves it (ADR 0028): written with each transition, read back from the bus.
  const audit = await app.get(AuditQuery).ofDay({ day, runId });
  console.log(
    `\nAudit trail of ${runId} (also: dco audit --day ${day}, GET ${url}/api/audit?day=${day}, the dashboard's run view):`,
  );
  for (const entry of audit) console.log(formatAuditLine(entry));
  console.log(
    `\n${runId} finished: ${outcome}. ${args.once ? 'Exiting (--once).' : `API and dashboard stay up on ${url}; Ctrl-C to stop.`}`,
  );
  if (args.once) {
    await app.close();
    process.exit(outcome === 'RunFailed' ? 1 : 0);
  }
}

/**
 * npm start needs no set-up: without configured credentials, one admin credential is generated for this process and its
 * token returned (printed once). Only its hash is kept in the environment the modules read.
 */
function generateLocalCredential(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DCO_API_CREDENTIALS || env.DCO_API_CREDENTIALS_FILE) return undefined;
  const token = randomBytes(24).toString('base64url');
  env.DCO_API_CREDENTIALS = `local-admin:admin:${sha256Hex(token)}`;
  return token;
}

main().catch((error: unknown) => {
  // A malformed variable or argument (npm start --day 26/11/2026): the configuration exit status, like every service.
  if (
    isConfigError(error) ||
    (error instanceof CodedError && (CLI_ERROR_CODES as readonly string[]).includes(error.code))
  ) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  console.error('dco-autopilot failed:', error);
  process.exit(1);
});
