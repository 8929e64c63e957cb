// Coded CLI errors and exit statuses (documented in the README): 0 ok, 1 failure, 2 usage, 3 not found, 4 conflict, 5 unavailable.
import { CodedError, ErrorCode } from '@dco/contracts';

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, NOT_FOUND: 3, CONFLICT: 4, UNAVAILABLE: 5 } as const;

export class CliError extends CodedError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(code, message);
    this.name = 'CliError';
  }
}

/** Parses a day argument or throws CLI.INVALID_DAY. */
export function parseDayOption(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value)) {
    throw new CliError('CLI.INVALID_DAY', `expected a day as YYYY-MM-DD, got "${value}"`, EXIT.USAGE);
  }
  return value;
}

/** Parses a positive integer option or throws CLI.INVALID_NUMBER. */
export function parsePositiveInt(name: string, value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new CliError('CLI.INVALID_NUMBER', `${name} must be a positive integer, got "${value}"`, EXIT.USAGE);
  }
  return Number(value);
}

/**
 * Runs a command's work and prints its result (JSON or text); a CodedError becomes a CliError with the same code
 * (and, with --json, a JSON error line), its exit status chosen by `exitCodeOf`.
 */
export async function runCoded<T>(
  json: boolean | undefined,
  work: () => Promise<T>,
  text: (result: T) => string,
  exitCodeOf: (code: string) => number = () => EXIT.FAILURE,
): Promise<void> {
  try {
    const result = await work();
    console.log(json ? JSON.stringify(result) : text(result));
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof CodedError) {
      if (json)
        console.log(JSON.stringify({ error: { code: error.code, message: error.message, detail: error.detail } }));
      throw new CliError(
        error.code,
        error.detail ? `${error.message}\n${error.detail}` : error.message,
        exitCodeOf(error.code),
      );
    }
    throw error;
  }
}
