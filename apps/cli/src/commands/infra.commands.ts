// `dco infra plan|apply|rollback|status` and `dco detect`: the operator's handle on Terraform, rollouts and detection,
// running the same use cases as the infra-deployer and the detector (profile from DCO_PROFILE).
import { Command } from 'commander';
import { runIdOf, systemClock } from '@dco/contracts';
import { approvalReasons, describePlan } from '@dco/terraform';
import { detectorFromEnv } from '../../../detector/src';
import { realInfraDeployerFromEnv } from '../../../infra-deployer/src';
import { CliError, EXIT, runCoded, parseDayOption } from '../cli-error';

const PLAN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const run = runCoded;

const today = () => systemClock.now().toISOString().slice(0, 10);

export function register(program: Command): void {
  const infra = program
    .command('infra')
    .description('OpenTofu plans and applies, ECS rollouts and infra rollback (same use cases as the infra-deployer)');

  infra
    .command('plan')
    .description('plan infra/ now and save the plan (apply it with `dco infra apply --plan <id>`)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await run(
        options.json,
        async () => {
          const { workspace } = realInfraDeployerFromEnv(process.env).useCases;
          const record = await workspace.prepare(`manual-${Date.now()}`);
          return {
            ...record.summary,
            configHash: record.configHash,
            hasChanges: record.hasChanges,
            approvalReasons: approvalReasons(record.summary),
          };
        },
        (r) =>
          `plan ${r.planId}: ${describePlan(r)}${r.replaced.length ? ` (replaces ${r.replaced.join(', ')})` : ''}${r.approvalReasons.length ? `\nneeds approval: ${r.approvalReasons.join('; ')}` : ''}`,
      );
    });

  infra
    .command('apply')
    .description('apply exactly a saved plan and record it as the last good configuration')
    .requiredOption('--plan <id>', 'the plan id printed by `dco infra plan` or carried by InfraApprovalRequired')
    .option('--json', 'machine-readable output')
    .action(async (options: { plan: string; json?: boolean }) => {
      if (!PLAN_ID.test(options.plan))
        throw new CliError('CLI.INVALID_ARGUMENT', `--plan must be a plan id, got "${options.plan}"`, EXIT.USAGE);
      await run(
        options.json,
        async () => {
          const { workspace } = realInfraDeployerFromEnv(process.env).useCases;
          if (!(await workspace.planRecord(options.plan)))
            throw new CliError('CLI.NOT_FOUND', `no saved plan ${options.plan}`, EXIT.NOT_FOUND);
          const { record } = await workspace.apply(options.plan);
          return { ...record.summary, configHash: record.configHash, appliedAt: record.appliedAt };
        },
        (r) => `applied ${r.planId} (${describePlan(r)}); last good is now ${r.configHash}`,
      );
    });

  infra
    .command('rollback')
    .description("restore the configuration and service revisions that were good before a day's run")
    .requiredOption('--day <day>', 'the day whose infrastructure changes to undo (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .action(async (options: { day: string; json?: boolean }) => {
      const day = parseDayOption(options.day);
      await run(
        options.json,
        () =>
          realInfraDeployerFromEnv(process.env).useCases.rollbackInfra.execute(runIdOf(day), {
            day,
            reason: 'operator rollback (dco infra rollback)',
          }),
        (r) =>
          [
            `configuration ${r.configHash || '(none recorded)'}`,
            ...r.services.map((s) => `${s.service} -> ${s.taskDefinition}`),
          ].join('\n'),
      );
    });

  infra
    .command('status')
    .description('the last good configuration, whether infra/ differs from it, and the resources in the state')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await run(
        options.json,
        async () => {
          const { workspace } = realInfraDeployerFromEnv(process.env).useCases;
          const [lastGood, currentHash] = await Promise.all([workspace.lastGood(), workspace.currentHash()]);
          return {
            lastGood: lastGood ?? null,
            currentHash,
            changedSinceLastGood: lastGood?.configHash !== currentHash,
            resources: lastGood ? await workspace.resources() : [],
          };
        },
        (r) =>
          [
            r.lastGood
              ? `last good: ${r.lastGood.configHash} (plan ${r.lastGood.planId}, applied ${r.lastGood.appliedAt})`
              : 'last good: none (never applied)',
            `infra/ now: ${r.currentHash}${r.changedSinceLastGood ? ' (changed)' : ' (unchanged)'}`,
            ...r.resources.map((address) => `  ${address}`),
          ].join('\n'),
      );
    });

  program
    .command('detect')
    .description('run change detection once, as the detector would for a day, and print what changed')
    .option('--day <day>', 'the day to detect for (YYYY-MM-DD, default today)')
    .option('--json', 'machine-readable output')
    .action(async (options: { day?: string; json?: boolean }) => {
      const day = parseDayOption(options.day ?? today());
      await run(
        options.json,
        () => detectorFromEnv(process.env).handler.execute(day),
        (r) =>
          [
            `${r.changes.length} change(s) for ${r.day}`,
            ...r.changes.map((c) => `  ${c.kind} ${c.subject}: ${c.from ?? '-'} -> ${c.to} [${c.risk}] ${c.reason}`),
            ...r.sources.map(
              (s) => `  source ${s.source} ${s.status} ${s.durationMs} ms${s.error ? ` ${s.error}` : ''}`,
            ),
          ].join('\n'),
      );
    });
}
