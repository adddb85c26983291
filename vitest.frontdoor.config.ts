import { defineConfig } from 'vitest/config'

// The front door, on its own (`npm run test:frontdoor`, a CI step after `npm test`): a fresh clone whose
// `npm run demo` installs its dependencies first. That install compiles a native module and takes both
// cores for minutes, so it does not run beside the main suite's timing-sensitive end-to-end tests.
export default defineConfig({
  test: {
    include: ['test/frontdoor/**/*.frontdoor.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
})
