// Arguments of npm start: --day YYYY-MM-DD, --profile embedded|local, --once, --log-format human|json.
import { CodedError, DAY_PATTERN } from '@dco/contracts';
import { LOG_FORMATS, LogFormat } from '@dco/observability';

export interface EmbeddedArgs {
  /** Unset: the next offering day whose deadline is still ahead (see nextOfferingDay). */
  day?: string;
  profile: 'embedded' | 'local';
  once: boolean;
  /** Unset: LOG_FORMAT, else human. */
  logFormat?: LogFormat;
}

export function parseEmbeddedArgs(argv: string[]): EmbeddedArgs {
  const args: EmbeddedArgs = { profile: 'embedded', once: false };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--'))
        throw new CodedError('CLI.MISSING_VALUE', `${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--day') {
      const day = value();
      if (!DAY_PATTERN.test(day)) throw new CodedError('CLI.INVALID_DAY', `--day must be YYYY-MM-DD, got "${day}"`);
      args.day = day;
    } else if (flag === '--profile') {
      const profile = value();
      if (profile !== 'embedded' && profile !== 'local') {
        throw new CodedError('CLI.INVALID_PROFILE', `--profile must be embedded or local, got "${profile}"`);
      }
      args.profile = profile;
    } else if (flag === '--log-format') {
      const format = value();
      if (!(LOG_FORMATS as readonly string[]).includes(format))
        throw new CodedError('CLI.INVALID_LOG_FORMAT', `--log-format must be human or json, got "${format}"`);
      args.logFormat = format as LogFormat;
    } else if (flag === '--once') {
      args.once = true;
    } else {
      throw new CodedError(
        'CLI.UNKNOWN_OPTION',
        `unknown option "${flag}" (use --day, --profile, --once, --log-format)`,
      );
    }
  }
  return args;
}

/**
 * The day whose offering the demo prepares: today while its DCO deadline is more than `leadMs` away, else tomorrow,
 * so that a demo started in the evening shows the updates instead of deferring them.
 */
export function nextOfferingDay(now: Date, deadlineOf: (day: string) => Date, today: string, leadMs: number): string {
  if (deadlineOf(today).getTime() - now.getTime() > leadMs) return today;
  const next = new Date(`${today}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
