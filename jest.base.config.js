// Shared jest setup: swc transpiles TypeScript (with decorator metadata); tsc --noEmit does the type-checking separately.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target}`;
}
// swc also rewrites the aliases while transpiling (as tools/register.js does): globalSetup and globalTeardown run
// outside jest's module registry, where moduleNameMapper does not apply, and load stack/, which imports @dco/probes.
const swcPaths = { baseUrl: __dirname, paths: compilerOptions.paths };

module.exports = (overrides) => ({
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          ...swcPaths,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper,
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.stack'],
  ...overrides,
});
