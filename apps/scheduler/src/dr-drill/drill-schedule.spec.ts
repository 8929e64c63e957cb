// The scheduled drill's cron: validated at boot, refused near the daily tick, its next firing in the schedule's zone.
import { ConfigError } from '@dco/platform';
import { DailySchedule } from '../daily-tick/daily-schedule';
import { DrillSchedule } from './drill-schedule';

const daily = DailySchedule.parse('0 6 * * *', 'UTC');
const from = new Date('2026-12-05T12:00:00Z');
const problemOf = (cron: string, clearance = 360) => {
  try {
    DrillSchedule.parse(cron, daily, clearance, from);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('DrillSchedule', () => {
  it('accepts a weekly drill off the DCO window and tells its next firing', () => {
    const schedule = DrillSchedule.parse('0 18 * * 0', daily, 360, from);
    expect(schedule.nextAfter(from).toISOString()).toBe('2026-12-06T18:00:00.000Z');
  });

  it('refuses a drill within the clearance of a daily tick, before or after it, naming DR_DRILL_CRON', () => {
    expect(problemOf('0 8 * * 0')).toMatch(/DR_DRILL_CRON .* 120 min from the daily tick/);
    expect(problemOf('0 3 * * 3')).toMatch(/DR_DRILL_CRON .* 180 min from the daily tick/);
    expect(problemOf('0 8 * * 0', 60)).toBe('accepted');
  });

  it('refuses a malformed expression', () => {
    expect(problemOf('0 18 * *')).toMatch(/DR_DRILL_CRON .*expected 5 fields/);
    expect(problemOf('0 25 * * 0')).toMatch(/DR_DRILL_CRON/);
  });
});
