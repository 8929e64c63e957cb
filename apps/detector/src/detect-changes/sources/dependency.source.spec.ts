// dependency: versions in the manifest against the copy recorded at the last good apply.
import { InMemoryDocumentReader } from '../document-reader.port';
import { DependencySource } from './dependency.source';

function source(desired: object, deployed?: object) {
  const documents = new InMemoryDocumentReader();
  documents.documents.set('desired.json', JSON.stringify({ dependencies: desired }));
  if (deployed) documents.documents.set('deployed.json', JSON.stringify({ dependencies: deployed }));
  return new DependencySource(documents, { manifestPath: 'desired.json', deployedPath: 'deployed.json' });
}

describe('DependencySource', () => {
  it('reports each changed or new dependency with its risk', async () => {
    const changes = await source(
      { 'neo4j-driver': '6.3.0', kafkajs: '2.2.4', pino: '9.14.0' },
      { 'neo4j-driver': '5.28.0', kafkajs: '2.2.4' },
    ).detect();
    expect(changes).toEqual([
      expect.objectContaining({ subject: 'neo4j-driver', from: '5.28.0', to: '6.3.0', risk: 'high' }),
      expect.objectContaining({ subject: 'pino', to: '9.14.0', risk: 'low' }),
    ]);
  });

  it('reports nothing before anything was deployed (no baseline)', async () => {
    await expect(source({ kafkajs: '2.2.4' }).detect()).resolves.toEqual([]);
  });

  it('reports nothing when the deployed versions match', async () => {
    await expect(source({ kafkajs: '2.2.4' }, { kafkajs: '2.2.4' }).detect()).resolves.toEqual([]);
  });
});
