// @ts-check
import eslint from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Workflow code runs in Temporal's deterministic sandbox: Node built-ins and the activity, client and
 * worker SDK packages must never reach it (they break determinism or fail inside the bundle).
 */
const workflowSandboxImports = {
  paths: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)].map((name) => ({
    name,
    message: 'Workflows run in a deterministic sandbox: Node built-ins are not allowed. Move I/O to an activity.',
    allowTypeImports: true,
  })),
  patterns: [
    {
      group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
      message: 'Workflows may import @temporalio/workflow and shared contracts only.',
      allowTypeImports: true,
    },
    {
      // Type imports too: a workflow that names an activity's internals is coupled to them.
      regex: String.raw`^(\.\./)+((activities|apps|deploy)(/|$)|libs/(?!contracts/))`,
      message: 'Workflows import libs/contracts only: declare what they share with activities and the API there.',
    },
  ],
};

/**
 * Dependencies point one way: apps → (workflows, activities) → libs, and workflows → libs/contracts only. What
 * ships never imports dev tooling.
 */
/**
 * A relative import that climbs into one of the repository's top-level folders. Matched on the path as written,
 * so a name deeper down (libs/contracts/activities) is not mistaken for the folder (activities/).
 */
const intoTopLevel = (folders, message) => ({
  regex: String.raw`^(\.\./)+(${folders.join('|')})(/|$)`,
  message,
});
const libsImports = {
  patterns: [
    intoTopLevel(
      ['workflows', 'activities'],
      'libs/ imports neither workflows/ nor activities/: declare what they share in libs/contracts.',
    ),
    intoTopLevel(['apps', 'deploy'], 'libs/ imports neither the apps nor deploy/ tooling.'),
  ],
};
const shippedImports = {
  patterns: [
    intoTopLevel(
      ['deploy'],
      'deploy/ is local tooling, not part of the image: apps, activities and workflows do not import it.',
    ),
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', '.data/**', 'coverage/**', 'node_modules/**', 'bench/results/**', 'test/fixtures/lint/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      // Nest's decorators and mongoose's lean() results are typed loosely; these rules add noise there.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['libs/**/*.ts', 'test/fixtures/lint/libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', libsImports] },
  },
  {
    files: ['apps/**/*.ts', 'activities/**/*.ts', 'test/fixtures/lint/apps/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', shippedImports] },
  },
  {
    files: ['workflows/**/*.ts', 'test/fixtures/lint/workflows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', workflowSandboxImports] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The live captions page runs in browsers; its capture processor runs on the audio thread.
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, io: 'readonly' } },
  },
  {
    files: ['web/**/*-worklet.js'],
    languageOptions: { globals: globals.audioWorklet },
  },
);
