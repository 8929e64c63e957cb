// Runs the ImageParameters contract against the in-memory fake; the path validation's rejections (CONFIG.INVALID).
import { parseImageParameterPath } from './image-parameters.port';
import { imageParametersContract } from './image-parameters.contract';
import { InMemoryImageParameters } from './in-memory-image-parameters.fake';

imageParametersContract('in-memory fake', async () => {
  const parameters = new InMemoryImageParameters();
  return { parameters, put: async (name, value) => parameters.put(name, value) };
});

describe('parseImageParameterPath', () => {
  it('accepts a public parameter path and a single parameter name', () => {
    expect(
      parseImageParameterPath('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id'),
    ).toBe('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id');
    expect(parseImageParameterPath(' /neo4j/ami/ ')).toBe('/neo4j/ami/');
  });

  it.each([
    ['relative', 'neo4j/ami'],
    ['empty segment', '/neo4j//ami'],
    ['bad character', '/neo4j/ami id'],
    ['too deep', `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`],
    ['too long', `/${'a'.repeat(1011)}`],
    ['root only', '/'],
  ])('rejects a %s path with CONFIG.INVALID', (_case, path) => {
    expect(() => parseImageParameterPath(path)).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('DCO_NEO4J_AMI_SSM_PATH') }),
    );
  });
});
