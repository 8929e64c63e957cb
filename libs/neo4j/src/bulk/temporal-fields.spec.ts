import neo4j from 'neo4j-driver';
import { fromTemporalFields, temporalFields } from './temporal-fields';

const ints = (...values: number[]) => values.map((value) => neo4j.int(value));

describe('temporal fields', () => {
  it('asks the server for the fields of every temporal kind but durations, in lists too, scalars tested first', () => {
    const expression = temporalFields('n[key]');
    expect(expression.startsWith('CASE WHEN n[key] IS :: STRING OR n[key] IS :: INTEGER')).toBe(true);
    for (const type of ['ZONED DATETIME', 'DATE', 'LOCAL DATETIME', 'ZONED TIME', 'LOCAL TIME']) {
      expect(expression).toContain(`WHEN n[key] IS :: ${type} THEN`);
      expect(expression).toContain(`WHEN n[key] IS :: LIST<${type} NOT NULL> THEN [item IN n[key] |`);
    }
    expect(expression).not.toContain('DURATION');
    expect(expression).toContain("['dt', n[key].year, n[key].month, n[key].day, n[key].hour, n[key].minute");
    expect(expression.endsWith('ELSE n[key] END')).toBe(true);
  });

  it('makes the GraphValue the driver-read value would give', () => {
    expect(fromTemporalFields(['dt', ...ints(2024, 10, 27, 2, 30, 0, 1, 7200), 'Europe/Berlin'])).toEqual([
      'dt',
      2024,
      10,
      27,
      2,
      30,
      0,
      1,
      7200,
      'Europe/Berlin',
    ]);
    // An offset-only date-time has no zone id, as the driver reads it.
    expect(fromTemporalFields(['dt', ...ints(2024, 1, 1, 0, 0, 0, 0, -28800), '-08:00'])).toEqual([
      'dt',
      2024,
      1,
      1,
      0,
      0,
      0,
      0,
      -28800,
      null,
    ]);
    expect(fromTemporalFields(['dt', ...ints(2020, 1, 1, 0, 0, 0, 0, 0), 'Z'])?.[9]).toBeNull();
    expect(fromTemporalFields(['date', ...ints(-100, 1, 1)])).toEqual(['date', -100, 1, 1]);
    expect(fromTemporalFields(['ldt', ...ints(2024, 1, 1, 12, 0, 0, 500000000)])).toEqual([
      'ldt',
      2024,
      1,
      1,
      12,
      0,
      0,
      500000000,
    ]);
    expect(fromTemporalFields(['time', ...ints(12, 34, 56, 123456789, 19800)])).toEqual([
      'time',
      12,
      34,
      56,
      123456789,
      19800,
    ]);
    expect(fromTemporalFields(['ltime', ...ints(23, 59, 59, 999999999)])).toEqual(['ltime', 23, 59, 59, 999999999]);
    expect(
      fromTemporalFields([
        ['date', ...ints(2020, 1, 1)],
        ['date', ...ints(2020, 1, 2)],
      ]),
    ).toEqual([
      'l',
      [
        ['date', 2020, 1, 1],
        ['date', 2020, 1, 2],
      ],
    ]);
  });

  it('leaves every stored value alone: no stored list mixes a string with integers, or holds lists', () => {
    for (const stored of ['dt', 7, neo4j.int(7), [], ['dt', 'x'], ['date'], ints(1, 2), [1.5], [true], null])
      expect(fromTemporalFields(stored)).toBeUndefined();
  });
});
