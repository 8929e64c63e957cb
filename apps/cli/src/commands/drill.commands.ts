// `dco drill <kind...>`: a disaster-recovery drill on the local stack or staging, its RTO and RPO measured and judged.
// Exit codes: 0 objectives met, 1 an objective missed (DR.OBJECTIVE_MISSED, alert raised), 2 usage, 4 a run is active.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '@dco/platform';
import { DrillConfig } from '../drill/drill.config';
import { DRILL_KINDS, DrillKind, isDrillKind } from '../drill/drill.model';
import { drillReport, publishDrillOutcomes, loadNow, runDrills, writeDrillReport } from '../drill/drill.runner';
import { CliError, EXIT, runCoded } from '../cli-error';

/** `all` or a list of known kinds, in the order given, each once; DR.UNKNOWN_KIND otherwise. */
export function parseDrillKinds(values: readonly string[]): DrillKind[] {
  if (values.length === 1 && values[0] === 'all') return [...DRILL_KINDS];
  const kinds: DrillKind[] = [];
  for (const value of values) {
    if (!isDrillKind(value))
      throw new CliError(
        'DR.UNKNOWN_KIND',
        `unknown drill "${value}"; one or more of ${DRILL_KINDS.join(', ')}, or all`,
        EXIT.USAGE,
      );
    if (!kinds.includes(value)) kinds.push(value);
  }
  return kinds;
}

const exitCodeOf = (code: string) => (code === 'DR.RUN_ACTIVE' ? EXIT.CONFLICT : EXIT.FAILURE);

export function register(program: Command): void {
  program
    .command('drill <kinds...>')
    .description(
      `DR drill: ${DRILL_KINDS.join(', ')} (or all); measures RTO and RPO, writes the figures, alerts on a missed objective`,
    )
    .option('--out <file>', 'where to write the figures', 'bench/results/dr.json')
    .option('--json', 'machine-readable output')
    .action(async (values: string[], options: { out: string; json?: boolean }) => {
      const kinds = parseDrillKinds(values);
      const config = loadConfig(DrillConfig, process.env);
      const out = resolve(options.out);
      let misses: string[] = [];
      await runCoded(
        options.json,
        async () => {
          const atStart = loadNow();
          const outcomes = await runDrills(kinds, config);
          const report = drillReport(outcomes, config, { atStart, atEnd: loadNow() });
          await writeDrillReport(out, report);
          const { alerts } = await publishDrillOutcomes(outcomes, config);
          misses = report.misses;
          return { file: out, metrics: report.metrics, met: report.target.met, misses: report.misses, alerts };
        },
        (r) =>
          [
            ...Object.entries(r.metrics).map(([key, value]) => `${key} ${value}`),
            r.met ? 'objectives met' : `objectives missed (${r.alerts} alert(s) raised):\n  ${r.misses.join('\n  ')}`,
            `figures written to ${r.file}`,
          ].join('\n'),
        exitCodeOf,
      );
      // The figures are printed and written either way; a missed objective then fails the command (and the schedule).
      if (misses.length > 0) throw new CliError('DR.OBJECTIVE_MISSED', misses.join('; '), EXIT.FAILURE);
    });
}
