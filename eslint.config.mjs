// Lint rules: typescript-eslint recommended plus the project's style (no any, no floating promises in handlers).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['libs/saga/src/**/*.ts', 'libs/dco/src/domain/**/*.ts', 'libs/contracts/src/**/*.ts', 'libs/neo4j/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@nestjs/*', 'kafkajs', '@aws-sdk/*', 'neo4j-driver', 'fs', 'node:fs', 'http', 'node:http', 'child_process', 'node:child_process'], message: 'pure code: no framework or I/O imports' },
      ] }],
    },
  },
);
