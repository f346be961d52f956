// @ts-check
const { readFileSync } = require('node:fs');

/** Tests compile with the same swc settings as the build (decorator metadata included). */
const swcOptions = { ...JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8')), swcrc: false };

/** @type {Partial<import('jest').Config>} */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  // NestJS 12 ships as ES modules; Jest on Node 20 cannot require() those, so it compiles them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|uid|load-esm|strtok3|token-types|@tokenizer|jose)/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      globalSetup: '<rootDir>/test/support/local-media-tools.ts',
      testMatch: [
        '<rootDir>/{apps,libs,workflows,activities,deploy}/**/*.spec.ts',
        '<rootDir>/test/{lint,deploy}/**/*.test.ts',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      ...shared,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  // Integration, fault and security suites share one Temporal and MongoDB server; with 2 cores, one suite at a time is fastest.
  maxWorkers: 1,
  testTimeout: 120_000,
};
