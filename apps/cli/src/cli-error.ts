// Coded CLI errors and exit statuses (documented in the README): 0 ok, 1 failure, 2 usage, 3 not found, 4 conflict, 5 unavailable.
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, NOT_FOUND: 3, CONFLICT: 4, UNAVAILABLE: 5 } as const;

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
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
