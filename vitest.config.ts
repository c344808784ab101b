import { defineConfig } from 'vitest/config';

// Unit tests are pure (no network, no database); integration tests talk to a real
// Postgres and to the Genesys simulator over real HTTP. Each integration test file
// creates its own database (see test/helpers/database.ts), so files may run in parallel.
// The integration project's global setup migrates a template database those are copied
// from and builds dist/ for the CLI child processes, once per run (test/helpers/global-setup.ts).
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Pure tests share no state through modules or the environment, so one module
          // graph per worker serves every file (a fresh one per file costs most of the
          // project's time in imports).
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
