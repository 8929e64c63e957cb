// Lint rules: typescript-eslint recommended plus the project's style (no any, no floating promises in handlers).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Boundaries (tools/lint-boundaries.spec.ts proves each rule fires). They use typescript-eslint's copy of
// no-restricted-imports so that they add to the pure-code restriction below instead of replacing it on the same files.
const APPS = [
  'cli',
  'db-migrator',
  'dco-runner',
  'detector',
  'embedded',
  'infra-deployer',
  'orchestrator',
  'scheduler',
];
const SPEC_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'];
/** A relative import climbing out of its folder: `../../stack/...`, `../../../detector/src/...`. */
const UP = '^(?:\\.\\./)+';
/** What follows an app's folder in an import of its public API: `src` or `src/index`. */
const PUBLIC_API = 'src(?:/index)?$';

// (a) An app's production code imports another app only through its public API.
const otherAppsInternals = (app) => ({
  regex: `${UP}(?:apps/)?(?:${APPS.filter((other) => other !== app).join('|')})/(?!${PUBLIC_API})`,
  message: 'an app imports another app only through its public API, apps/<app>/src/index.ts',
});
// Tools (the day tooling) likewise.
const appsInternals = {
  regex: `${UP}apps/[^/]+/(?!${PUBLIC_API})`,
  message: 'tools import an app only through its public API, apps/<app>/src/index.ts',
};
// (c) Apps' production code never imports the local stack, the tests or the tools.
const notInProduction = [
  {
    regex: `${UP}(?:stack|test|tools)(?:/|$)`,
    message: 'production code never imports stack/, test/ or tools/ (the day tooling)',
  },
  {
    group: ['@dco/stack', '@dco/testing'],
    message: 'production code never imports the local stack or the test helpers',
  },
];
// (b) Libs never import apps, stack/, test/ or tools/; only libs/testing uses @dco/stack; @dco/testing is for specs.
const notInLibs = {
  regex: `${UP}(?:apps|stack|test|tools)(?:/|$)`,
  message: 'a lib never imports apps, stack/, test/ or tools/',
};
const stackInLibs = { group: ['@dco/stack'], message: 'only libs/testing may import the local stack (@dco/stack)' };
const testingInLibs = {
  group: ['@dco/testing'],
  message:
    "a lib's code outside its specs does not import @dco/testing (it brings stack/); waitFor and freePort are in @dco/probes",
};
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

const boundaries = [
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    ignores: SPEC_FILES,
    rules: restrict(otherAppsInternals(app), ...notInProduction),
  })),
  { files: ['libs/**/*.ts'], ignores: ['libs/testing/**'], rules: restrict(notInLibs, stackInLibs) },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/testing/**', ...SPEC_FILES],
    rules: restrict(notInLibs, stackInLibs, testingInLibs),
  },
  { files: ['libs/testing/**/*.ts'], rules: restrict(notInLibs) },
  { files: ['tools/**/*.ts'], rules: restrict(appsInternals) },
];

export default tseslint.config(
  { ignores: ['dist/**', '.stack/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: [
      'libs/saga/src/**/*.ts',
      'libs/dco/src/domain/**/*.ts',
      'libs/contracts/src/**/*.ts',
      'libs/neo4j/src/domain/**/*.ts',
      'apps/detector/src/detect-changes/dependency-updates/domain/**/*.ts',
      'libs/aws/src/rollout/health-comparison.ts',
      'libs/aws/src/rollout/prometheus-histogram.ts',
      'apps/orchestrator/src/heal/domain/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'kafkajs',
                '@aws-sdk/*',
                'neo4j-driver',
                'fs',
                'node:fs',
                'http',
                'node:http',
                'child_process',
                'node:child_process',
              ],
              message: 'pure code: no framework or I/O imports',
            },
          ],
        },
      ],
    },
  },
  ...boundaries,
);
