import neo4j from 'neo4j-driver';
import { fromGraphValue, toGraphValue } from './driver-value.mapper';

describe('toGraphValue', () => {
  it.each([
    '0',
    '-1',
    '9007199254740991',
    '-9007199254740991',
    '9007199254740992',
    '-9007199254740993',
    '9223372036854775807',
    '-9223372036854775808',
  ])('carries the int64 %s as its exact decimal text, inside the safe range and beyond it', (text) => {
    expect(toGraphValue(neo4j.int(text))).toEqual(['i', text]);
    expect((fromGraphValue(['i', text]) as ReturnType<typeof neo4j.int>).toString()).toBe(text);
  });

  it('takes temporal components given as driver Integers, numbers or bigints alike', () => {
    const asInteger = new neo4j.types.Date(neo4j.int(-12), neo4j.int(2), neo4j.int(29));
    const asNumber = new neo4j.types.Date(-12, 2, 29);
    const asBigInt = new neo4j.types.Date(-12n, 2n, 29n);
    expect(toGraphValue(asInteger)).toEqual(['date', -12, 2, 29]);
    expect(toGraphValue(asNumber)).toEqual(['date', -12, 2, 29]);
    expect(toGraphValue(asBigInt)).toEqual(['date', -12, 2, 29]);
    const time = new neo4j.types.Time(
      neo4j.int(23),
      neo4j.int(59),
      neo4j.int(59),
      neo4j.int(999_999_999),
      neo4j.int(-3600),
    );
    expect(toGraphValue(time)).toEqual(['time', 23, 59, 59, 999_999_999, -3600]);
  });
});
