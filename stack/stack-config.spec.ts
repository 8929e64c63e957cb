// Unit spec of the stack configuration: shell-style variable expansion and path layout (cache outside the clone, state inside).
import { join } from 'node:path';
import { expandShellVars, findRepoRoot, stackConfig, stackPaths } from './stack-config';

describe('expandShellVars', () => {
  it('uses XDG_CACHE_HOME when set', () => {
    expect(
      expandShellVars('${XDG_CACHE_HOME:-$HOME/.cache}/dco-autopilot', { HOME: '/home/a', XDG_CACHE_HOME: '/xdg' }),
    ).toBe('/xdg/dco-autopilot');
  });

  it('falls back to $HOME/.cache when XDG_CACHE_HOME is unset or empty', () => {
    expect(expandShellVars('${XDG_CACHE_HOME:-$HOME/.cache}/dco-autopilot', { HOME: '/home/a' })).toBe(
      '/home/a/.cache/dco-autopilot',
    );
    expect(expandShellVars('${XDG_CACHE_HOME:-$HOME/.cache}/x', { HOME: '/home/a', XDG_CACHE_HOME: '' })).toBe(
      '/home/a/.cache/x',
    );
  });

  it('expands nested defaults, bare variables and a leading tilde', () => {
    expect(expandShellVars('${A:-${B:-/b}}/c', {})).toBe('/b/c');
    expect(expandShellVars('$X/y', { X: '/x' })).toBe('/x/y');
    expect(expandShellVars('~/z', { HOME: '/h' })).toBe('/h/z');
  });

  it('rejects an unbalanced expression', () => {
    expect(() => expandShellVars('${A:-/b', {})).toThrow(expect.objectContaining({ code: 'STACK.CONFIG_INVALID' }));
  });
});

describe('stackConfig and stackPaths', () => {
  const root = findRepoRoot();

  it('keeps heavy artifacts in the version-keyed cache and running state in the clone', () => {
    const config = stackConfig(root, { HOME: '/home/a' });
    const paths = stackPaths(config);
    expect(config.cacheDir).toBe('/home/a/.cache/dco-autopilot');
    expect(paths.stateDir).toBe(join(root, '.stack'));
    expect(paths.kafkaLibs).toBe(`/home/a/.cache/dco-autopilot/kafka-${config.kafka.version}/libs`);
    expect(paths.neo4jLib('5.26.19')).toBe('/home/a/.cache/dco-autopilot/neo4j-5.26.19/lib');
    expect(paths.tofu).toBe(join(root, '.stack', 'bin', 'tofu'));
    expect(paths.kafkaToolsLibs).toBe(`/home/a/.cache/dco-autopilot/kafka-${config.kafka.version}/tools-libs`);
    expect(paths.awsCliVenv).toBe(`/home/a/.cache/dco-autopilot/aws-cli/venv-${config.awsCli.version}`);
    expect(paths.kafkaConsoleConsumer).toBe(join(root, '.stack', 'bin', 'kafka-console-consumer'));
    expect(paths.aws).toBe(join(root, '.stack', 'bin', 'aws'));
    expect(paths.logsDir).toBe(join(root, '.stack', 'logs'));
    expect(paths.verdaccioPrefix).toBe(`/home/a/.cache/dco-autopilot/verdaccio/verdaccio-${config.verdaccio.version}`);
    expect(paths.verdaccioHome).toBe(join(root, '.stack', 'verdaccio'));
  });

  it('honours DCO_STACK_CACHE_DIR and DCO_STACK_STATE_DIR', () => {
    const config = stackConfig(root, {
      HOME: '/home/a',
      DCO_STACK_CACHE_DIR: '/c',
      DCO_STACK_STATE_DIR: 'other-state',
    });
    expect(config.cacheDir).toBe('/c');
    expect(config.stateDir).toBe(join(root, 'other-state'));
  });

  it('describes blue 5.20.0 and green 5.26.19 on distinct Bolt ports', () => {
    const { neo4j } = stackConfig(root);
    expect(neo4j.blue.version).toBe('5.20.0');
    expect(neo4j.green.version).toBe('5.26.19');
    expect(neo4j.blue.boltPort).not.toBe(neo4j.green.boltPort);
  });
});
