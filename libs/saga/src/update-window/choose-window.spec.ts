// Given a forecast, a deadline and a change set / When its window is chosen / Then it runs at once or in the quietest window.
import { WindowRequest, chooseWindow } from './choose-window';
import { HOUR_MS } from './load-forecast';

const SIX = Date.parse('2026-11-26T06:00:00Z');
const MINUTE = 60_000;
/** 06:00 busy, 07:00 quiet, 08:00 busy again. */
const forecast = { from: SIX, stepMs: HOUR_MS, values: [100, 40, 90] };
const request: WindowRequest = {
  now: SIX,
  latestEnd: SIX + 170 * MINUTE,
  durationMs: 45 * MINUTE,
  urgent: false,
  policy: 'forecast',
  forecast,
};

describe('chooseWindow', () => {
  it('Given a quiet hour ahead, When chosen, Then the change set waits for the lowest predicted load, earliest first', () => {
    expect(chooseWindow(request)).toEqual({
      reason: 'forecast',
      start: SIX + 60 * MINUTE,
      end: SIX + 105 * MINUTE,
      predictedLoad: 40,
      predictedLoadNow: 100,
    });
  });

  it('Given an urgent change set, When chosen, Then it runs at once', () => {
    expect(chooseWindow({ ...request, urgent: true })).toEqual({
      reason: 'urgent',
      start: SIX,
      end: SIX + 45 * MINUTE,
    });
  });

  it('Given the tick policy, When chosen, Then it runs at once whatever the forecast', () => {
    expect(chooseWindow({ ...request, policy: 'tick' })).toMatchObject({ reason: 'tick', start: SIX });
  });

  it('Given no window that ends before the latest end, When chosen, Then it starts at once (and the deadline rule defers it)', () => {
    expect(chooseWindow({ ...request, latestEnd: SIX + 30 * MINUTE })).toEqual({
      reason: 'no-fit',
      start: SIX,
      end: SIX + 45 * MINUTE,
    });
  });

  it('Given the quiet hour ends too late for the deadline, When chosen, Then the window ends exactly at the latest end', () => {
    const choice = chooseWindow({ ...request, latestEnd: SIX + 80 * MINUTE });
    expect(choice).toMatchObject({ reason: 'forecast', start: SIX + 35 * MINUTE, end: SIX + 80 * MINUTE });
  });

  it('Given no forecast, or one that does not cover the time left, When chosen, Then it runs at once', () => {
    expect(chooseWindow({ ...request, forecast: undefined })).toMatchObject({ reason: 'no-forecast', start: SIX });
    const stale = { from: SIX - 10 * HOUR_MS, stepMs: HOUR_MS, values: [1, 2, 3] };
    expect(chooseWindow({ ...request, forecast: stale })).toMatchObject({ reason: 'no-forecast', start: SIX });
  });

  it('Given a flat forecast, When chosen, Then it runs at once: waiting gains nothing', () => {
    const flat = { from: SIX, stepMs: HOUR_MS, values: [50, 50, 50] };
    expect(chooseWindow({ ...request, forecast: flat })).toMatchObject({ reason: 'forecast', start: SIX });
  });

  it('Given a holiday (low, flat load all day), When chosen, Then the earliest of the equally quiet windows is taken', () => {
    const holiday = { from: SIX, stepMs: HOUR_MS, values: [20, 20, 20] };
    expect(chooseWindow({ ...request, forecast: holiday })).toMatchObject({ start: SIX, predictedLoad: 20 });
  });

  it('Given a start between grid points, When chosen, Then later candidates are on the quarter hour', () => {
    const choice = chooseWindow({ ...request, now: SIX + 7 * MINUTE });
    expect(choice.start).toBe(SIX + 60 * MINUTE);
  });
});
