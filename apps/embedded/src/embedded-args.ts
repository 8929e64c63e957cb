// Arguments of npm start: --day YYYY-MM-DD, --profile embedded|local, --once.
import { DAY_PATTERN } from '@dco/contracts';

export interface EmbeddedArgs {
  day: string;
  profile: 'embedded' | 'local';
  once: boolean;
}

export function parseEmbeddedArgs(argv: string[], now: Date): EmbeddedArgs {
  const args: EmbeddedArgs = { day: now.toISOString().slice(0, 10), profile: 'embedded', once: false };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`CLI.MISSING_VALUE: ${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--day') {
      args.day = value();
      if (!DAY_PATTERN.test(args.day)) throw new Error(`CLI.INVALID_DAY: --day must be YYYY-MM-DD, got "${args.day}"`);
    } else if (flag === '--profile') {
      const profile = value();
      if (profile !== 'embedded' && profile !== 'local') {
        throw new Error(`CLI.INVALID_PROFILE: --profile must be embedded or local, got "${profile}"`);
      }
      args.profile = profile;
    } else if (flag === '--once') {
      args.once = true;
    } else {
      throw new Error(`CLI.UNKNOWN_OPTION: unknown option "${flag}" (use --day, --profile, --once)`);
    }
  }
  return args;
}
