import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: integration files run two at a time, sharing the components.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'web/src/**/*.test.ts', 'infra/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['services/*/src/**/*.integration.test.ts', 'e2e/**/*.test.ts'],
          globalSetup: ['infra/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
