// Entry of a worker thread whose code is TypeScript: the service runs under `node --import tsx`, and a
// worker does not inherit that hook, so it registers tsx itself before importing `workerData.entry`.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
