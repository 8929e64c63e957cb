import { parseEmbeddedArgs } from './embedded-args';

const now = new Date('2026-11-26T05:00:00Z');

describe('parseEmbeddedArgs', () => {
  it('defaults to today, embedded, staying up', () => {
    expect(parseEmbeddedArgs([], now)).toEqual({ day: '2026-11-26', profile: 'embedded', once: false });
  });

  it('reads every option', () => {
    expect(parseEmbeddedArgs(['--day', '2026-01-02', '--profile', 'local', '--once'], now)).toEqual({
      day: '2026-01-02',
      profile: 'local',
      once: true,
    });
  });

  it.each([
    [['--day', '2026-02-30x'], 'CLI.INVALID_DAY'],
    [['--day'], 'CLI.MISSING_VALUE'],
    [['--profile', 'aws'], 'CLI.INVALID_PROFILE'],
    [['--verbose'], 'CLI.UNKNOWN_OPTION'],
  ])('rejects %j with %s', (argv, code) => {
    expect(() => parseEmbeddedArgs(argv, now)).toThrow(code);
  });
});
