// Jest runs TypeScript as ESM through ts-jest (transpile only; `npm run typecheck` checks types).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  // The global setup files are loaded by Node itself (type stripping), outside Jest's ESM runtime.
  transformIgnorePatterns: ['/node_modules/', '/__tests__/helpers/global-(setup|teardown)\\.ts$'],
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  setupFiles: ['<rootDir>/__tests__/helpers/no-internet.ts'],
  testTimeout: 60_000,
}
