// Where the alert engine's worker thread starts. Compiled (`npm start` runs .build/, scripts/start.mjs):
// the thread's module itself. From the TypeScript sources (tests that start the service in-process): the
// tsx loader first, since a worker does not inherit it, then the module.
import type { EngineWorkerEntry } from '../alerts/index.ts'

const compiled = import.meta.url.endsWith('.js')

export const ALERT_ENGINE_WORKER: EngineWorkerEntry = compiled
  ? {
      boot: new URL('./alert-engine-worker.js', import.meta.url),
      module: new URL('./alert-engine-worker.js', import.meta.url).href,
    }
  : {
      boot: new URL('./ts-worker.mjs', import.meta.url),
      module: new URL('./alert-engine-worker.ts', import.meta.url).href,
    }
