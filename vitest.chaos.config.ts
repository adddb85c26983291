// `npm run chaos`: the fault suite (test/chaos), kept out of `npm test`. Each scenario runs the real service
// as a child process against the same private InfluxDB as the main suite, one file at a time, since each
// loads the machine on purpose.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
})
