// Runs one day scenario end to end on the local stack: checks the stack, takes the day lock, prepares the stack, starts
// the six services, lets the scheduler tick the day, follows it live, injects the scenario's fault, observes the result
// from the outside and compares it with the catalogue; tears everything down again (now, or on Ctrl-C).
import { join } from 'node:path';
import { WaitTimeoutError, waitFor } from '@dco/probes';
import { DayError } from './day-error';
import { acquireDayLock } from './day-lock';
import { DayObservation, compareWithExpectation, deleteAlertQueue, fetchRun, observeDay } from './day-outcome';
import { BulkGraph, DayWorkspace, REPO_ROOT, StackEndpoints, createWorkspace, localEndpoints } from './day-workspace';
import { FaultRecord, injectFault } from './fault-injectors';
import { RunFollower } from './run-follower';
import { DayScenario, SCENARIO_NAMES, findScenario } from './scenario-catalogue';
import { DayServices } from './service-launcher';
import { PreparedScenario, prepareScenario, requireStack } from './stack-preparation';

export const DAY_LOCK_FILE = join(REPO_ROOT, '.stack', 'day', 'active.lock');

export interface DayOptions {
  scenario: string;
  print(line: string): void;
  /** Longest the run may take from the tick to its final event. */
  timeoutMs?: number;
  /** Keep the scenario's directory (logs, state) after teardown. */
  keepFiles?: boolean;
  endpoints?: StackEndpoints;
  lockFile?: string;
  /** Ctrl-C: stop where the day is and clean up everything made so far. */
  signal?: AbortSignal;
  /** Adds a generated graph of this size to blue before the run (the day benchmark's upgrade day). */
  bulkGraph?: BulkGraph;
}

export interface DayReport {
  scenario: DayScenario;
  workspace: DayWorkspace;
  observation: DayObservation;
  problems: string[];
  faults: FaultRecord[];
  /** Wall time in seconds: preparation, service start, the run itself (tick to final event), total. */
  timings: { prepare_s: number; services_s: number; run_s: number; observe_s: number; total_s: number };
}

/** A finished day whose services still run (for the dashboard and Jaeger) until `close()`. */
export interface DaySession {
  report: DayReport;
  services: DayServices;
  close(): Promise<void>;
}

export function resolveScenario(name: string): DayScenario {
  const scenario = findScenario(name);
  if (!scenario)
    throw new DayError('DAY.UNKNOWN_SCENARIO', `unknown scenario "${name}"; known: ${SCENARIO_NAMES.join(', ')}`);
  return scenario;
}

const seconds = (from: number, to = Date.now()) => Math.round((to - from) / 100) / 10;

export async function runDay(options: DayOptions): Promise<DaySession> {
  const scenario = resolveScenario(options.scenario);
  const endpoints = options.endpoints ?? localEndpoints();
  await requireStack(endpoints);
  const started = Date.now();
  const now = new Date();
  const ws = createWorkspace(scenario, now, endpoints, undefined, options.bulkGraph);
  const release = await acquireDayLock(options.lockFile ?? DAY_LOCK_FILE, {
    pid: process.pid,
    scenario: scenario.name,
    startedAt: now.toISOString(),
    dir: ws.dir,
  });
  const print = options.print;
  let prepared: PreparedScenario | undefined;
  let follower: RunFollower | undefined;
  let services: DayServices | undefined;
  const close = async () => {
    await services?.stop().catch((error: Error) => print(`stopping the services failed: ${error.message}`));
    await follower?.stop();
    await RunFollower.deleteTopics(ws).catch((error: Error) =>
      print(`deleting the topics of ${ws.namespace} failed: ${error.message}`),
    );
    await deleteAlertQueue(ws);
    await prepared
      ?.teardown({ keepFiles: options.keepFiles })
      .catch((error: Error) => print(`teardown failed: ${error.message}`));
    await release();
  };
  try {
    print(`scenario ${scenario.name}: ${scenario.summary}`);
    print(`workspace ${ws.dir} (namespace ${ws.namespace}, day ${ws.day})`);
    const interrupted = () => {
      if (options.signal?.aborted)
        throw new DayError('DAY.INTERRUPTED', `interrupted; everything ${scenario.name} made is being removed`);
    };
    prepared = await prepareScenario(ws, (line) => print(`  prepare: ${line}`));
    interrupted();
    const preparedAt = Date.now();
    follower = await RunFollower.start(ws, print);
    services = await DayServices.launch(ws, prepared, (line) => print(`  ${line}`));
    interrupted();
    const servicesAt = Date.now();
    const faults: FaultRecord[] = [];
    const fault = scenario.fault
      ? injectFault(scenario.fault, { ws, services, follower, log: print }).then((record) => {
          faults.push(record);
        })
      : Promise.resolve();
    // A fault that cannot be injected is reported, and the run is still followed to its end.
    const faultDone = fault.catch((error: Error) => print(`FAULT NOT INJECTED: ${error.message}`));
    const aborted = new Promise<never>((_, reject) => {
      options.signal?.addEventListener(
        'abort',
        () => reject(new DayError('DAY.INTERRUPTED', `interrupted while ${ws.runId} was running; cleaning up`)),
        { once: true },
      );
    });
    aborted.catch(() => undefined);
    await Promise.race([
      aborted,
      follower.waitForFinal(ws.runId, options.timeoutMs ?? 600_000).catch((error: Error) => {
        throw new DayError('DAY.TIMED_OUT', `${ws.runId} did not finish: ${error.message}; logs in ${ws.logsDir}`);
      }),
    ]);
    const finishedAt = Date.now();
    await faultDone;
    const orchestrator = services.get('orchestrator');
    await waitFor(async () => (await fetchRun(orchestrator.url, ws.runId, ws.apiToken))?.finished === true, {
      description: "the orchestrator's read model to show the run as finished",
      timeoutMs: 30_000,
      intervalMs: 250,
    }).catch((error: unknown) => {
      throw error instanceof WaitTimeoutError ? new DayError('DAY.TIMED_OUT', error.message) : error;
    });
    const settledAt = Date.now();
    const observation = await observeDay(ws, prepared, services, follower, scenario.expect);
    const problems = compareWithExpectation(scenario.expect, observation);
    if (scenario.fault && faults.length === 0) problems.push(`the fault ${scenario.fault} was not injected`);
    const report: DayReport = {
      scenario,
      workspace: ws,
      observation,
      problems,
      faults,
      timings: {
        prepare_s: seconds(started, preparedAt),
        services_s: seconds(preparedAt, servicesAt),
        run_s: seconds(servicesAt, finishedAt),
        observe_s: seconds(settledAt),
        total_s: seconds(started),
      },
    };
    return { report, services, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The report as lines for the terminal. */
export function describeReport(report: DayReport): string[] {
  const seen = report.observation;
  const lines = [
    '',
    `=== ${report.scenario.name}: ${seen.run.status}${seen.run.failureCode ? ` (${seen.run.failureCode})` : ''}`,
    ...(seen.run.failureMessage ? [`failure     ${seen.run.failureMessage}`] : []),
    `steps       ${seen.run.steps.join(' -> ')}`,
    `rolled back ${seen.run.rolledBack.join(', ') || 'nothing'}`,
    `serving     ${seen.serving.server} Neo4j ${seen.serving.version} at ${seen.serving.boltUri} (${seen.serving.instanceId})`,
    `data        ${seen.data.base.nodes} nodes / ${seen.data.base.relationships} relationships besides the offering (blue before: ${seen.data.blueBefore.nodes} / ${seen.data.blueBefore.relationships}), checksum ${seen.data.base.checksum.slice(0, 16)}`,
    `offering    ${seen.offerings.onServing} for ${report.workspace.day}, ${seen.offerings.allocationCount ?? 0} allocations, hash ${seen.offerings.resultHash?.slice(0, 16) ?? '-'}`,
    `ecs         dco-runner revision ${seen.ecs.before} -> ${seen.ecs.after}`,
    `terraform   ${seen.terraform.after.length} resources (before ${seen.terraform.before.length})`,
    `alerts      ${seen.alerts.join(', ') || 'none'} (EventBridge -> SQS ${report.workspace.alertQueue})`,
    `faults      ${report.faults.map((fault) => `${fault.fault}: ${fault.detail}`).join('; ') || 'none'}`,
    `timings     prepare ${report.timings.prepare_s} s, services ${report.timings.services_s} s, run ${report.timings.run_s} s, observe ${report.timings.observe_s} s, total ${report.timings.total_s} s; steps ${Object.entries(
      seen.stepDurations,
    )
      .map(([step, s]) => `${step} ${s.toFixed(1)} s`)
      .join(', ')}`,
    `dashboard   ${seen.dashboardUrl}`,
    `trace       ${seen.trace.url} (${seen.trace.spans} spans from ${seen.trace.services.join(', ')})`,
  ];
  if (report.problems.length === 0) lines.push(`verdict     as expected by the scenario catalogue`);
  else lines.push(`verdict     NOT as expected:`, ...report.problems.map((problem) => `  - ${problem}`));
  return lines;
}
