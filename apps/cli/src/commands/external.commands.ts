// `dco external sign|send`: for the owners of an external system, sign a change report with their producer key as a
// CloudEvent and deliver it to the detector's inbox (POST /api/external-changes), printing the inbox's coded answer.
import { readFileSync } from 'node:fs';
import { HTTP, Message } from 'cloudevents';
import { Command } from 'commander';
import { isErrorCode } from '@dco/contracts';
import { signedCloudEvent, signReport } from '../../../detector/src';
import { CliError, EXIT } from '../cli-error';

function readReport(options: { data?: string; file?: string }): Record<string, unknown> {
  const text = options.data ?? (options.file ? readFileSync(options.file, 'utf8') : undefined);
  if (text === undefined)
    throw new CliError('CLI.INVALID_ARGUMENT', 'give the report with --data <json> or --file <path>', EXIT.USAGE);
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new CliError('CLI.INVALID_ARGUMENT', `the report is not JSON: ${(error as Error).message}`, EXIT.USAGE);
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report))
    throw new CliError('CLI.INVALID_ARGUMENT', 'the report must be a JSON object', EXIT.USAGE);
  return report as Record<string, unknown>;
}

function producerKey(value: string): Buffer {
  const text = value.startsWith('env:') ? process.env[value.slice(4)] : value;
  const key = text ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length < 16)
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      '--key must be a base64 key of at least 16 bytes (or env:VARIABLE holding one)',
      EXIT.USAGE,
    );
  return key;
}

type UnsignedReport = Parameters<typeof signedCloudEvent>[0];

/** The HTTP message to send: a structured CloudEvent given as is, or the report signed into one (binary mode by default). */
function cloudEventMessage(input: Record<string, unknown>, options: { key?: string; mode?: string }): Message {
  if (input.specversion !== undefined)
    return { headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: JSON.stringify(input) };
  if (!options.key)
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      'give --key to sign the report (or pass a signed structured CloudEvent)',
      EXIT.USAGE,
    );
  const event = signedCloudEvent(input as unknown as UnsignedReport, producerKey(options.key));
  return options.mode === 'structured' ? HTTP.structured(event) : HTTP.binary(event);
}

export function register(program: Command): void {
  const external = program
    .command('external')
    .description('sign and send external change reports to the detector inbox');

  external
    .command('sign')
    .description(
      'print the report as a signed structured-mode CloudEvent (or, with --legacy, as the deprecated signed report)',
    )
    .requiredOption('--key <base64|env:VAR>', "the producer's key, as configured in the detector's DCO_EXTERNAL_KEYS")
    .option('--data <json>', 'the report as JSON')
    .option('--file <path>', 'the report in a JSON file')
    .option('--legacy', 'print the deprecated signed report body instead of a CloudEvent')
    .action((options: { key: string; data?: string; file?: string; legacy?: boolean }) => {
      const { signature: _old, ...unsigned } = readReport(options);
      const key = producerKey(options.key);
      if (options.legacy) console.log(JSON.stringify({ ...unsigned, signature: signReport(unsigned, key) }));
      else console.log(signedCloudEvent(unsigned as unknown as UnsignedReport, key).toString());
    });

  external
    .command('send')
    .description(
      'POST a report to the detector as a CloudEvent (signed with --key, or a signed structured event as is) and print its answer; exit 1 when it is rejected',
    )
    .requiredOption('--url <url>', 'the detector base URL, e.g. http://127.0.0.1:3002')
    .option('--key <base64|env:VAR>', "the producer's key, to sign the report")
    .option('--mode <binary|structured>', 'the CloudEvents HTTP content mode', 'binary')
    .option('--data <json>', 'the report as JSON')
    .option('--file <path>', 'the report in a JSON file')
    .action(async (options: { url: string; key?: string; mode: string; data?: string; file?: string }) => {
      if (!/^https?:\/\/[^\s]+$/.test(options.url))
        throw new CliError('CLI.INVALID_ARGUMENT', `--url must be an http(s) URL, got "${options.url}"`, EXIT.USAGE);
      if (options.mode !== 'binary' && options.mode !== 'structured')
        throw new CliError(
          'CLI.INVALID_ARGUMENT',
          `--mode must be binary or structured, got "${options.mode}"`,
          EXIT.USAGE,
        );
      const message = cloudEventMessage(readReport(options), options);
      let response: Response;
      try {
        response = await fetch(`${options.url.replace(/\/$/, '')}/api/external-changes`, {
          method: 'POST',
          headers: message.headers as Record<string, string>,
          body: message.body as string,
        });
      } catch (error) {
        throw new CliError(
          'CLI.UNAVAILABLE',
          `detector at ${options.url} is unreachable: ${(error as Error).message}`,
          EXIT.UNAVAILABLE,
        );
      }
      const answer = (await response.json()) as { accepted: boolean; code?: string; message?: string };
      console.log(JSON.stringify({ status: response.status, ...answer }));
      if (!answer.accepted)
        throw new CliError(
          isErrorCode(answer.code) ? answer.code : 'CLI.REJECTED',
          answer.message ?? `rejected with ${response.status}`,
          response.status === 409 ? EXIT.CONFLICT : EXIT.FAILURE,
        );
    });
}
