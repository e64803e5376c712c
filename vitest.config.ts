import { defineConfig } from 'vitest/config';

const integration = {
  globalSetup: ['infra/test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

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
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['services/*/src/**/*.integration.test.ts', 'infra/**/*.integration.test.ts'],
          sequence: { groupOrder: 0 },
          ...integration,
        },
      },
      {
        // Browser tests run last, on their own and one file at a time: Chromium, LiveKit
        // and the whole stack in one flow each need the two cores more than the clock. A
        // busy CI machine shared with the worker-crash test made them miss a 60 s budget,
        // and two files going live at once kept a viewer's video from arriving in 30 s.
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          ...integration,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
