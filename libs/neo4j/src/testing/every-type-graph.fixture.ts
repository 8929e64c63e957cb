// Test support: seeds a graph with every Neo4j property type, several labels, self-loops, parallel relationships and a DCO ledger.
import neo4j from 'neo4j-driver';

const ALL_TYPES = `
  str: 'plain', empty: '', astral: '𝄞😀 é\u2028\u0000 end', imax: 9223372036854775807, imin: -9223372036854775808, izero: 0,
  fneg0: -0.0, fnan: 0.0 / 0.0, finf: 1.0 / 0.0, fninf: -1.0 / 0.0, ftiny: 4.9E-324, fbig: 1.7976931348623157E308, fwhole: 2.0,
  yes: true, no: false, bytes: $bytes,
  ints: [1, -9223372036854775808, 9223372036854775807], floats: [1.5, -0.0, 0.1], strs: ['a', '𝄞', ''], bools: [true, false],
  emptyList: [],
  d: date('2024-02-29'), dfar: date('+999999999-12-31'), dneg: date('-000100-01-01'),
  t: time('12:34:56.123456789+05:30'), lt: localtime('23:59:59.999999999'),
  dtzone: datetime('2024-10-27T02:30:00.000000001[Europe/Berlin]'), dtoffset: datetime('2024-01-01T00:00:00-08:00'),
  ldt: localdatetime('2024-01-01T12:00:00.5'), dur: duration('P1Y2M3DT4H5M6.000000007S'), durneg: duration({seconds: -5, nanoseconds: -1}),
  p2: point({x: 1.5, y: -2.0}), p3: point({x: 1.0, y: 2.0, z: 3.0}), g2: point({longitude: 12.5, latitude: 55.7}),
  g3: point({longitude: 1.0, latitude: 2.0, height: 3.0}),
  dates: [date('2020-01-01'), date('2020-01-02')], points: [point({x: 1.0, y: 2.0}), point({x: 3.0, y: 4.0})],
  durs: [duration('PT1S'), duration('P1M')], times: [time('01:00+01:00')], dts: [datetime('2020-01-01T00:00Z')]`;

/** Runs the statements of the fixture through any Cypher runner (a driver session). */
export const everyTypeGraphStatements: Array<{ query: string; params?: Record<string, unknown> }> = [
  { query: 'CREATE CONSTRAINT offering_day IF NOT EXISTS FOR (o:Offering) REQUIRE o.day IS UNIQUE' },
  { query: 'CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.str)' },
  { query: 'CREATE TEXT INDEX thing_text IF NOT EXISTS FOR (t:Thing) ON (t.str)' },
  {
    query: `CREATE (a:Person:Admin {key: 'a', ${ALL_TYPES}})
            CREATE (b:Person {key: 'b', str: 'Bob'})
            CREATE (c:Thing:Other:Third {key: 'c', str: 'c'})
            CREATE (:Isolated {key: 'iso'})
            CREATE ({key: 'nolabel'})
            CREATE (:NoProps)
            CREATE (a)-[:LIKES {key: 'self'}]->(a)
            CREATE (a)-[:KNOWS {key: 'k1', since: date('2020-01-01')}]->(b)
            CREATE (a)-[:KNOWS {key: 'k2', since: date('2020-01-01')}]->(b)
            CREATE (b)-[:KNOWS {key: 'k3'}]->(a)
            CREATE (c)-[:HAS {key: 'all', ${ALL_TYPES}}]->(b)
            CREATE (o:Offering {day: '2026-01-01', offered: '100000000000000000000', allocated: '100000000000000000000', undistributed: '0', status: 'completed'})
            CREATE (:Allocation {amount: '60000000000000000000'})-[:OF]->(o)
            CREATE (:Allocation {amount: '40000000000000000000'})-[:OF]->(o)`,
    params: { bytes: new Int8Array([0, 1, -1, 127, -128]) },
  },
];

/** Adds 2 x `pairs` nodes joined in pairs by a relationship (bulk for the resume spec and the bench). */
export function bulkStatement(pairs: number, offset = 0): { query: string; params: Record<string, unknown> } {
  return {
    query: `UNWIND range($from, $to - 1) AS i
            CREATE (:Bulk {i: 2 * i, name: 'bulk-' + toString(i), v: i * 0.5})-[:NEXT {w: i}]->(:Bulk:Odd {i: 2 * i + 1, at: date('2020-01-01')})`,
    params: { from: neo4j.int(offset), to: neo4j.int(offset + pairs) },
  };
}
