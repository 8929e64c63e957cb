// The daily schedule: cron in a time zone, the day of a tick, and boot errors that name the variable.
import { DailySchedule } from './daily-schedule';

describe('DailySchedule', () => {
  const zurich = DailySchedule.parse('30 5 * * *', 'Europe/Zurich');

  it('fires at the wall-clock time of its zone, across daylight saving', () => {
    expect(zurich.nextAfter(new Date('2026-11-26T12:00:00Z')).toISOString()).toBe('2026-11-27T04:30:00.000Z');
    expect(zurich.nextAfter(new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T03:30:00.000Z');
  });

  it('knows the last scheduled time, including one exactly now', () => {
    expect(zurich.lastAtOrBefore(new Date('2026-11-26T12:00:00Z')).toISOString()).toBe('2026-11-26T04:30:00.000Z');
    expect(zurich.lastAtOrBefore(new Date('2026-11-26T04:30:00Z')).toISOString()).toBe('2026-11-26T04:30:00.000Z');
  });

  it('names the day of a tick in its zone, not in UTC', () => {
    const tokyo = DailySchedule.parse('0 1 * * *', 'Asia/Tokyo');
    const fire = tokyo.nextAfter(new Date('2026-11-26T12:00:00Z'));
    expect(fire.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(tokyo.dayOf(fire)).toBe('2026-11-27');
  });

  it.each([
    ['0 6 * *', 'UTC', 'SCHEDULE_CRON (got "0 6 * *"): expected 5 fields'],
    ['0 25 * * *', 'UTC', 'SCHEDULE_CRON (got "0 25 * * *")'],
    ['every day', 'UTC', 'SCHEDULE_CRON'],
    ['0 6 * * *', 'Mars/Olympus', 'SCHEDULE_TIME_ZONE (got "Mars/Olympus")'],
  ])('refuses cron "%s" in "%s" naming the variable', (cron, zone, text) => {
    expect(() => DailySchedule.parse(cron, zone)).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining(text) }),
    );
  });
});
