// `dco audit --day <day>`: the audit trail of a day's runs through the orchestrator's REST API (a viewer's DCO_API_TOKEN).
// Exit codes as `dco status`: 0 ok, 1 failure (e.g. API.UNAUTHORIZED), 2 usage or validation, 5 orchestrator unreachable.
import { Command } from 'commander';
import { parseDayOption } from '../cli-error';
import { DEFAULT_API, apiBase, call, parseRunId } from './run.commands';

export interface AuditEntry {
  runId: string;
  at: string;
  kind: string;
  actor: string;
  summary: string;
  step?: string;
  reason?: string;
  planId?: string;
}

/** One line per entry: time, run, kind, who, what (and why when the summary does not say it). */
export function formatAuditEntry(entry: AuditEntry): string {
  const why = entry.reason && !entry.summary.includes(entry.reason) ? ` (why: ${entry.reason})` : '';
  return `${entry.at}  ${entry.runId.padEnd(18)} ${entry.kind.padEnd(18)} ${entry.actor.padEnd(16)} ${entry.summary}${why}`;
}

export function register(program: Command): void {
  program
    .command('audit')
    .description(
      "the audit trail of a day's runs: detected changes, saga transitions, approvals and rejections (who, why, which plan), applies, rollouts, migrations, DCOs, rollbacks",
    )
    .requiredOption('--day <day>', 'the day, YYYY-MM-DD', parseDayOption)
    .option('--run <runId>', 'only this run of the day (e.g. dco-2026-11-26-r1)', parseRunId)
    .option('--api <url>', `orchestrator URL (default: DCO_API_URL or ${DEFAULT_API})`)
    .option('--json', 'machine-readable output')
    .action(async (options: { day: string; run?: string; api?: string; json?: boolean }) => {
      const base = apiBase(options.api);
      const query = new URLSearchParams({ day: options.day, ...(options.run ? { runId: options.run } : {}) });
      const entries = await call<AuditEntry[]>(base, 'GET', `/api/audit?${query.toString()}`);
      if (options.json) console.log(JSON.stringify(entries));
      else if (entries.length === 0) console.log(`no audit entries for ${options.day}`);
      else for (const entry of entries) console.log(formatAuditEntry(entry));
    });
}
