import { nextOfferingDay, parseEmbeddedArgs } from './embedded-args';

const deadlineAtNine = (day: string) => new Date(`${day}T09:00:00.000Z`);

describe('parseEmbeddedArgs', () => {
  it('defaults to the next offering day, embedded, staying up', () => {
    expect(parseEmbeddedArgs([])).toEqual({ profile: 'embedded', once: false });
  });

  it('reads every option', () => {
    expect(parseEmbeddedArgs(['--day', '2026-01-02', '--profile', 'local', '--once', '--log-format', 'json'])).toEqual({
      day: '2026-01-02',
      profile: 'local',
      once: true,
      logFormat: 'json',
    });
  });

  it.each([
    [['--day', '2026-02-30x'], 'CLI.INVALID_DAY'],
    [['--day'], 'CLI.MISSING_VALUE'],
    [['--profile', 'aws'], 'CLI.INVALID_PROFILE'],
    [['--verbose'], 'CLI.UNKNOWN_OPTION'],
    [['--log-format', 'xml'], 'CLI.INVALID_LOG_FORMAT'],
  ])('rejects %j with %s', (argv, code) => {
    expect(() => parseEmbeddedArgs(argv)).toThrow(expect.objectContaining({ code }));
  });
});

describe('nextOfferingDay', () => {
  it('keeps today while its deadline is far enough ahead', () => {
    expect(nextOfferingDay(new Date('2026-11-26T05:00:00Z'), deadlineAtNine, '2026-11-26', 3_600_000)).toBe(
      '2026-11-26',
    );
  });

  it("moves to tomorrow once today's deadline is too close or past, across a month end", () => {
    expect(nextOfferingDay(new Date('2026-11-30T08:30:00Z'), deadlineAtNine, '2026-11-30', 3_600_000)).toBe(
      '2026-12-01',
    );
    expect(nextOfferingDay(new Date('2026-11-30T20:00:00Z'), deadlineAtNine, '2026-11-30', 3_600_000)).toBe(
      '2026-12-01',
    );
  });
});
