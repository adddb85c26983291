// Where the alert engine's worker thread starts: the tsx loader, then the thread's wiring.
import type { EngineWorkerEntry } from '../alerts/index.ts'

export const ALERT_ENGINE_WORKER: EngineWorkerEntry = {
  boot: new URL('./ts-worker.mjs', import.meta.url),
  module: new URL('./alert-engine-worker.ts', import.meta.url).href,
}
