// digestGraphParts reads a graph once and gives, per filter, exactly what digestGraph with that filter gives.
import { DigestFilter } from '../domain/graph-checksum';
import { NodeContent } from '../domain/graph-value';
import { InMemoryGraphDatabase } from '../memory/in-memory-graph-database.fake';
import { digestGraph, digestGraphParts } from './validate-graph';

const isOutput = (node: NodeContent) => node.labels.includes('Offering');
const output: DigestFilter = { node: isOutput, relationship: (start, end) => start || end };
const rest: DigestFilter = { node: (node) => !isOutput(node), relationship: (start, end) => start && end };

describe('digestGraphParts', () => {
  it('gives each part the digest of its own filter, from one read of the graph', async () => {
    const db = new InMemoryGraphDatabase('memory://blue', '5.20.0');
    const accounts = Array.from({ length: 7 }, (_, i) => db.createNode(['Account'], [['id', ['i', String(i)]]]));
    const offering = db.createNode(['Offering'], [['day', ['s', '2026-11-26']]]);
    accounts.forEach((account, i) =>
      db.createRelationship('PAYS', account, accounts[(i + 3) % accounts.length], [['w', ['f', i]]]),
    );
    accounts.slice(0, 4).forEach((account) => db.createRelationship('IN', account, offering, []));
    const reads = jest.spyOn(db, 'readNodes');

    const parts = await digestGraphParts(db, { rest, output, all: undefined }, { pageSize: 3 });

    const nodePages = reads.mock.calls.length;
    expect(nodePages).toBe(3);
    expect(parts.rest).toEqual(await digestGraph(db, { filter: rest }));
    expect(parts.output).toEqual(await digestGraph(db, { filter: output }));
    expect(parts.all).toEqual(await digestGraph(db));
    expect(parts.rest).toMatchObject({ nodes: 7, relationships: 7 });
    expect(parts.output).toMatchObject({ nodes: 1, relationships: 4 });
  });
});
