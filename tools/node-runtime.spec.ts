// npm test runs on the Node the lockfile pins (npm scripts and npx put node_modules/.bin/node first), not on the
// machine's own Node, and on a supported LTS major wherever it runs (ADR 0024).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED_NODE_PACKAGES } from './deploy-validation';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};

describe('the Node runtime of the tests', () => {
  it('is at least the major package.json requires', () => {
    const floor = Number(/^>=(\d+)\./.exec(pkg.engines.node)?.[1]);
    expect(floor).toBeGreaterThanOrEqual(24);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(floor);
  });

  it("is the lockfile's binary on a platform the lockfile pins one for", () => {
    const own = `node-${process.platform}-${process.arch}`;
    const expected = PINNED_NODE_PACKAGES.includes(own) ? pkg.optionalDependencies[own] : process.versions.node;
    expect(`${own} ${process.versions.node}`).toBe(`${own} ${expected}`);
  });
});
