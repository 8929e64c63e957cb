// `dco external sign|send`: for the owners of an external system, sign a change report with their producer key and
// deliver it to the detector's inbox (POST /api/external-changes), printing the inbox's coded answer.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { isErrorCode } from '@dco/contracts';
import { signReport } from '../../../detector/src';
import { CliError, EXIT } from '../cli-error';

function readReport(options: { data?: string; file?: string }): Record<string, unknown> {
  const text = options.data ?? (options.file ? readFileSync(options.file, 'utf8') : undefined);
  if (text === undefined) throw new CliError('CLI.INVALID_ARGUMENT', 'give the report with --data <json> or --file <path>', EXIT.USAGE);
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new CliError('CLI.INVALID_ARGUMENT', `the report is not JSON: ${(error as Error).message}`, EXIT.USAGE);
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw new CliError('CLI.INVALID_ARGUMENT', 'the report must be a JSON object', EXIT.USAGE);
  return report as Record<string, unknown>;
}

function producerKey(value: string): Buffer {
  const text = value.startsWith('env:') ? process.env[value.slice(4)] : value;
  const key = text ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length < 16) throw new CliError('CLI.INVALID_ARGUMENT', '--key must be a base64 key of at least 16 bytes (or env:VARIABLE holding one)', EXIT.USAGE);
  return key;
}

export function register(program: Command): void {
  const external = program.command('external').description('sign and send external change reports to the detector inbox');

  external
    .command('sign')
    .description('print the report with its HMAC-SHA256 signature (canonical JSON of every field but signature)')
    .requiredOption('--key <base64|env:VAR>', "the producer's key, as configured in the detector's DCO_EXTERNAL_KEYS")
    .option('--data <json>', 'the report as JSON')
    .option('--file <path>', 'the report in a JSON file')
    .action((options: { key: string; data?: string; file?: string }) => {
      const report = readReport(options);
      const { signature: _old, ...unsigned } = report;
      console.log(JSON.stringify({ ...unsigned, signature: signReport(unsigned, producerKey(options.key)) }));
    });

  external
    .command('send')
    .description('POST a (signed) report to the detector and print its answer; exit 1 when it is rejected')
    .requiredOption('--url <url>', 'the detector base URL, e.g. http://127.0.0.1:3002')
    .option('--data <json>', 'the report as JSON')
    .option('--file <path>', 'the report in a JSON file')
    .action(async (options: { url: string; data?: string; file?: string }) => {
      if (!/^https?:\/\/[^\s]+$/.test(options.url)) throw new CliError('CLI.INVALID_ARGUMENT', `--url must be an http(s) URL, got "${options.url}"`, EXIT.USAGE);
      const report = readReport(options);
      let response: Response;
      try {
        response = await fetch(`${options.url.replace(/\/$/, '')}/api/external-changes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(report),
        });
      } catch (error) {
        throw new CliError('CLI.UNAVAILABLE', `detector at ${options.url} is unreachable: ${(error as Error).message}`, EXIT.UNAVAILABLE);
      }
      const answer = (await response.json()) as { accepted: boolean; code?: string; message?: string };
      console.log(JSON.stringify({ status: response.status, ...answer }));
      if (!answer.accepted) throw new CliError(isErrorCode(answer.code) ? answer.code : 'CLI.REJECTED', answer.message ?? `rejected with ${response.status}`, response.status === 409 ? EXIT.CONFLICT : EXIT.FAILURE);
    });
}
