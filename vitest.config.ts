import { defineConfig } from 'vitest/config';

// Unit tests are pure (no network, no database); integration tests talk to a real
// Postgres and to the Genesys simulator over real HTTP. Each integration test file
// creates its own database (see test/helpers/database.ts), so files may run in parallel.
// The integration project's global setup migrates a template database those are copied
// from and builds dist/ for the CLI child processes, once per run (test/helpers/global-setup.ts).
// Neither project isolates its files from each other's modules (isolate: false, below).
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    // How long Vitest waits for its own process to wind down once every file has ended, before
    // it exits anyway (with the run's exit code). The global setup's migration of the template
    // database leaves a timer of Prisma's WASM schema engine pending in this process (the
    // hanging-process reporter names it: schema_engine_bg.js), and the 10 s default was spent
    // whole at the end of every run (a one-file run took 11.2 s, 4.6 s with this). Nothing runs
    // by then; Vitest prints "something prevents the main process from exiting" and exits.
    teardownTimeout: 1_000,
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
          // One module graph per worker, not per file: re-importing Prisma, pg and the
          // simulator for each file cost about a third of the project's CPU. Test files keep
          // their state in their own databases, simulators and child processes and must not
          // leave any behind in the process (environment variables, fake timers, listeners).
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Five files at a time on two cores: many files mostly wait (simulated latency, cron
          // ticks, child processes), and with five the two CPUs stay about 95 % busy (three left
          // a quarter idle: 117 s against 97 s for the project, measured 2026-12-07).
          maxWorkers: 5,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
