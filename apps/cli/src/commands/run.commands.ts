// `dco run`, `dco status`, `dco approve`, `dco reject`, `dco resume`: operate daily runs through the orchestrator's REST API.
// Exit codes: 0 ok, 1 failure (e.g. API.UNAUTHORIZED), 2 usage or validation, 3 run not found, 4 conflict (run active,
// not awaiting approval, not Failed, nothing to resume), 5 orchestrator unreachable or failing. Errors print as "<CODE>: <message>" on stderr.
import { Command } from 'commander';
import { isErrorCode, RUN_ID_PATTERN } from '@dco/contracts';
import { CliError, EXIT, parseDayOption } from '../cli-error';

export const DEFAULT_API = 'http://127.0.0.1:3000';
const REQUEST_TIMEOUT_MS = 15_000;

interface ApiOptions {
  api?: string;
  json?: boolean;
}

interface StepView {
  step: string;
  attempt: number;
  outcome: string;
  startedAt: string;
  durationMs?: number;
  deadline?: string;
  failure?: { code: string; message: string };
  progress?: string;
}

interface RunSummary {
  runId: string;
  day: string;
  status: string;
  trigger: string;
  startedAt: string;
  currentStep?: string;
  resultHash?: string;
  failure?: { code: string; message: string };
}

interface RunDetail extends RunSummary {
  steps: StepView[];
  approvals: { gate: string; reasons: string[]; decision?: { granted: boolean; by: string; reason: string } }[];
  deferred: { kind: string; subject: string }[];
  alerts: { severity: string; cause: string; summary: string }[];
  pendingCompensations: string[];
  resumes?: { step: string; by: string; reason: string; at: string }[];
}

/** Where the orchestrator listens: --api, else DCO_API_URL, else the local default; must be an http(s) URL. */
export function apiBase(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const value = option ?? env.DCO_API_URL ?? DEFAULT_API;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError('CLI.INVALID_URL', `--api / DCO_API_URL must be an http(s) URL, got "${value}"`, EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('CLI.INVALID_URL', `--api / DCO_API_URL must be an http(s) URL, got "${value}"`, EXIT.USAGE);
  }
  return value.replace(/\/+$/, '');
}

export function parseRunId(value: string): string {
  if (!RUN_ID_PATTERN.test(value))
    throw new CliError(
      'CLI.INVALID_RUN_ID',
      `a run id looks like dco-YYYY-MM-DD or dco-YYYY-MM-DD-rN, got "${value}"`,
      EXIT.USAGE,
    );
  return value;
}

function parseText(name: string, value: string, max: number): string {
  const text = value.trim();
  if (!text) throw new CliError('CLI.INVALID_ARGUMENT', `${name} must not be empty`, EXIT.USAGE);
  if (text.length > max)
    throw new CliError('CLI.INVALID_ARGUMENT', `${name} must be at most ${max} characters`, EXIT.USAGE);
  return text;
}

const EXIT_OF_STATUS: Record<number, number> = {
  400: EXIT.USAGE,
  401: EXIT.FAILURE,
  403: EXIT.FAILURE,
  429: EXIT.UNAVAILABLE,
  404: EXIT.NOT_FOUND,
  409: EXIT.CONFLICT,
};

export async function call<T>(base: string, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const token = apiToken();
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        authorization: `Bearer ${token}`,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(
      'CLI.API_UNREACHABLE',
      `cannot reach the orchestrator at ${base} (${cause}); set --api or DCO_API_URL`,
      EXIT.UNAVAILABLE,
    );
  }
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = undefined;
  }
  if (!response.ok) {
    const error = payload as { code?: string; message?: string } | undefined;
    const message = error?.message ?? (text.slice(0, 200) || response.statusText);
    // An answer without a registered code (a proxy's error page, an older orchestrator) keeps its status in the message.
    const [code, shown] = isErrorCode(error?.code)
      ? [error.code, message]
      : ['CLI.UNEXPECTED' as const, `HTTP ${response.status}: ${message}`];
    throw new CliError(code, shown, EXIT_OF_STATUS[response.status] ?? EXIT.UNAVAILABLE);
  }
  return payload as T;
}

/** The API token of a named credential (viewer to read, operator to act); its name is recorded as who acted. */
function apiToken(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.DCO_API_TOKEN;
  if (!token)
    throw new CliError(
      'CLI.NO_TOKEN',
      'set DCO_API_TOKEN to an API token (npm start prints one; otherwise ask for a credential in DCO_API_CREDENTIALS)',
      EXIT.USAGE,
    );
  if (!/^[\x21-\x7e]{1,512}$/.test(token))
    throw new CliError('CLI.NO_TOKEN', 'DCO_API_TOKEN must be 1-512 printable characters without spaces', EXIT.USAGE);
  return token;
}

const seconds = (ms?: number) => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function printRuns(runs: RunSummary[]): void {
  if (runs.length === 0) {
    console.log('no runs');
    return;
  }
  for (const run of runs) {
    const detail = run.failure
      ? `${run.failure.code}`
      : run.currentStep
        ? `at ${run.currentStep}`
        : run.resultHash
          ? `result ${run.resultHash.slice(0, 12)}`
          : '';
    console.log(
      `${run.runId.padEnd(20)} ${run.status.padEnd(24)} ${run.trigger.padEnd(9)} ${run.startedAt}  ${detail}`,
    );
  }
}

function printRun(run: RunDetail): void {
  console.log(`${run.runId}  ${run.status}  (day ${run.day}, ${run.trigger}, started ${run.startedAt})`);
  for (const step of run.steps) {
    const extra = step.failure
      ? `${step.failure.code}: ${step.failure.message}`
      : step.outcome === 'running' && step.deadline
        ? `deadline ${step.deadline}`
        : (step.progress ?? '');
    console.log(
      `  ${step.step.padEnd(15)} #${step.attempt} ${step.outcome.padEnd(15)} ${seconds(step.durationMs).padEnd(9)} ${extra}`,
    );
  }
  for (const approval of run.approvals) {
    const decision = approval.decision
      ? `${approval.decision.granted ? 'approved' : 'rejected'} by ${approval.decision.by}: ${approval.decision.reason}`
      : 'waiting for approval';
    console.log(`  approval (${approval.gate}): ${decision} [${approval.reasons.join('; ')}]`);
  }
  if (run.deferred.length) console.log(`  deferred: ${run.deferred.map((c) => `${c.kind} ${c.subject}`).join(', ')}`);
  for (const resume of run.resumes ?? [])
    console.log(`  resumed by ${resume.by} at ${resume.at} (${resume.step} again): ${resume.reason}`);
  if (run.pendingCompensations.length) {
    console.log(
      `  OPERATOR ACTION: compensations left: ${run.pendingCompensations.join(', ')}; fix the cause, then: dco resume ${run.runId} --reason "<what was fixed>"`,
    );
  }
  if (run.resultHash) console.log(`  result ${run.resultHash}`);
  for (const alert of run.alerts.filter((a) => a.severity !== 'info'))
    console.log(`  alert ${alert.severity} ${alert.cause}: ${alert.summary}`);
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'start the run of a day, or a rerun if that day already ran (the DCO itself never runs twice for a day)',
    )
    .option('--day <day>', 'the day to run, YYYY-MM-DD (default: today in the orchestrator time zone)', parseDayOption)
    .option('--reason <text>', 'why', 'requested from the dco CLI')
    .option('--api <url>', `orchestrator URL (default: DCO_API_URL or ${DEFAULT_API})`)
    .option('--json', 'machine-readable output')
    .action(async (options: ApiOptions & { day?: string; reason: string }) => {
      const base = apiBase(options.api);
      const body = {
        ...(options.day ? { day: options.day } : {}),
        reason: parseText('--reason', options.reason, 500),
      };
      const accepted = await call<{ runId: string; day: string; rerun: boolean }>(base, 'POST', '/api/runs', body);
      if (options.json) console.log(JSON.stringify(accepted));
      else
        console.log(
          `${accepted.rerun ? 'rerun' : 'run'} ${accepted.runId} requested for ${accepted.day}; follow it with: dco status ${accepted.runId}`,
        );
    });

  program
    .command('status')
    .description('list recent runs, or show one run with its step timeline')
    .argument('[runId]', 'a run id such as dco-2026-11-26 or dco-2026-11-26-r1', parseRunId)
    .option('--api <url>', `orchestrator URL (default: DCO_API_URL or ${DEFAULT_API})`)
    .option('--json', 'machine-readable output')
    .action(async (runId: string | undefined, options: ApiOptions) => {
      const base = apiBase(options.api);
      if (runId) {
        const run = await call<RunDetail>(base, 'GET', `/api/runs/${runId}`);
        if (options.json) console.log(JSON.stringify(run));
        else printRun(run);
        return;
      }
      const runs = await call<RunSummary[]>(base, 'GET', '/api/runs?limit=20');
      if (options.json) console.log(JSON.stringify(runs));
      else printRuns(runs);
    });

  for (const action of ['approve', 'reject'] as const) {
    program
      .command(action)
      .description(
        `${action} a run that waits for approval (needs an operator's DCO_API_TOKEN); who (the credential's name) and why are recorded`,
      )
      .argument('<runId>', 'the run waiting for approval', parseRunId)
      .requiredOption('--reason <text>', 'why (recorded with the decision)')
      .option('--api <url>', `orchestrator URL (default: DCO_API_URL or ${DEFAULT_API})`)
      .option('--json', 'machine-readable output')
      .action(async (runId: string, options: ApiOptions & { reason: string }) => {
        const base = apiBase(options.api);
        const body = { reason: parseText('--reason', options.reason, 2000) };
        const result = await call<{ runId: string; decision: string; by: string }>(
          base,
          'POST',
          `/api/runs/${runId}/${action}`,
          body,
        );
        if (options.json) console.log(JSON.stringify(result));
        else console.log(`${runId}: ${result.decision === 'granted' ? 'approved' : 'rejected'} by ${result.by}`);
      });
  }

  program
    .command('resume')
    .description(
      "resume a run parked in Failed by a failed compensation (needs an operator's DCO_API_TOKEN): that compensation is issued again, then the DCO runs on the old infrastructure; who and why are recorded",
    )
    .argument('<runId>', 'the Failed run', parseRunId)
    .requiredOption('--reason <text>', 'what was fixed so that the compensation can succeed now (recorded)')
    .option('--api <url>', `orchestrator URL (default: DCO_API_URL or ${DEFAULT_API})`)
    .option('--json', 'machine-readable output')
    .action(async (runId: string, options: ApiOptions & { reason: string }) => {
      const base = apiBase(options.api);
      const body = { reason: parseText('--reason', options.reason, 2000) };
      const result = await call<{ runId: string; step: string; eventId: string; by: string }>(
        base,
        'POST',
        `/api/runs/${runId}/resume`,
        body,
      );
      if (options.json) console.log(JSON.stringify(result));
      else
        console.log(
          `${runId}: resumed by ${result.by}; ${result.step} issued again; follow it with: dco status ${runId}`,
        );
    });
}
