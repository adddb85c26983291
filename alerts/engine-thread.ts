// Runs the alert engine in a worker thread (its entry is wiring: service/alert-engine-worker.ts) and stands in for it on the
// main thread: the API's alert actions become requests to the worker, the worker's alert changes are
// emitted on the bus here, its protective commands sent here, its metrics shown on this /metrics. A worker
// that dies is started again (its state is alerts.db and the spool: nothing is raised twice or lost).
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import { Counter, type Registry as MetricsRegistry } from 'prom-client'
import type { Alert } from '../domain/alerts.ts'
import type { AlertBus, CommandSender } from '../domain/bus.ts'
import { CourtyardError } from '../domain/errors.ts'
import { DURABLE_END_BYTES, type DurableEndCell, durableEndCell, type SpoolPosition } from '../spool/index.ts'
import type { EngineMetricJson, EngineWorkerData, FromEngine, ToEngine } from './engine-messages.ts'
import { ENGINE_METRIC_NAMES } from './engine-metrics.ts'
import type { AlertStore } from './store.ts'

export interface AlertEngineThread {
  /** the main thread's own connection to alerts.db: reads and settings */
  readonly store: AlertStore
  acknowledge(id: string, by: string, note?: string): Promise<Alert | undefined>
  clear(id: string, by: string, note?: string): Promise<Alert | undefined>
  settingsChanged(scope?: 'site' | 'device', id?: string): void
  /** false while a worker that died is being started again, or the first is still starting */
  running(): boolean
  /** a worker has run at least once (with `awaitFirstStart: false`, false until the first is up) */
  started(): boolean
  /** Ends the worker as a crash would (it is started again): for tests, and an operator's last resort. */
  terminateWorker(): Promise<void>
  stop(): Promise<void>
}

/** where the durable end lies in a commit signal's memory, after the counter */
const DURABLE_END_AT = 8

/**
 * The spool writer's commits, counted in memory the worker shares, with the durable end each one
 * reached (the worker's reader reads no further): `bump` from the writer's onCommit.
 */
export function createCommitSignal() {
  const memory = new SharedArrayBuffer(DURABLE_END_AT + DURABLE_END_BYTES)
  const commits = new Int32Array(memory, 0, 1)
  const durable = durableEndCell(memory, DURABLE_END_AT)
  return {
    commits,
    bump(durableEnd: SpoolPosition) {
      // the end first: a reader woken by the count finds it
      durable.publish(durableEnd)
      Atomics.add(commits, 0, 1)
      Atomics.notify(commits, 0)
    },
  }
}

/** The worker's side of a commit signal (its `commits`): the durable end, for SpoolReaderOptions.durableEnd. */
export function commitSignalDurableEnd(commits: Int32Array): DurableEndCell['read'] {
  return durableEndCell(commits.buffer as SharedArrayBuffer, DURABLE_END_AT).read
}

const STOP_TIMEOUT_MS = 15_000
const REQUEST_TIMEOUT_MS = 10_000

/**
 * The worker's code: `boot` is the file the Worker runs (it may register a TypeScript loader first, which
 * a worker does not inherit), `module` the entry it then imports; the entry reads `EngineWorkerData`.
 */
export interface EngineWorkerEntry {
  boot: URL
  module: string
}

export async function startAlertEngineThread(opts: {
  entry: EngineWorkerEntry
  worker: Omit<EngineWorkerData, 'commits'>
  commits: Int32Array
  store: AlertStore
  bus: AlertBus
  commands: CommandSender
  log: Logger
  metrics: MetricsRegistry
  /**
   * Wait for the first worker to run, and fail if it does not (default). With false the call returns at
   * once and the first worker starts in the background, again and again with backoff if it fails: the
   * service's API need not wait for the worker to load, and a first start that fails (alerts.db busy,
   * descriptors exhausted during a reconnect storm) is retried instead of ending the node.
   */
  awaitFirstStart?: boolean
}): Promise<AlertEngineThread> {
  const { bus, log } = opts
  opts.metrics.removeSingleMetric('courtyard_alert_engine_restarts_total')
  const restarts = new Counter({
    name: 'courtyard_alert_engine_restarts_total',
    help: 'times the alert engine thread died and was started again',
    registers: [opts.metrics],
  })
  opts.metrics.removeSingleMetric('courtyard_alert_engine_start_failures_total')
  const startFailures = new Counter({
    name: 'courtyard_alert_engine_start_failures_total',
    help: 'times an alert engine thread failed before it ran (started again with backoff)',
    registers: [opts.metrics],
  })
  let worker: Worker | undefined
  let up = false
  let everUp = false
  /** one value for every worker of this thread: a restarted one must not forget the silence it missed */
  const listeningSince = Date.now()
  let stopping = false
  let nextRid = 0
  const pending = new Map<number, { resolve: (m: FromEngine) => void; reject: (e: Error) => void }>()

  const failPending = (why: string) => {
    for (const p of pending.values()) p.reject(new CourtyardError('NOT_READY', why))
    pending.clear()
  }

  const request = (make: (rid: number) => ToEngine): Promise<FromEngine> =>
    new Promise((resolve, reject) => {
      if (!worker || !up) {
        reject(new CourtyardError('NOT_READY', 'the alert engine is restarting: try again in a few seconds'))
        return
      }
      const rid = ++nextRid
      const timer = setTimeout(() => {
        pending.delete(rid)
        reject(new CourtyardError('NOT_READY', 'the alert engine did not answer within 10 s'))
      }, REQUEST_TIMEOUT_MS)
      pending.set(rid, {
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      worker.postMessage(make(rid))
    })

  const onMessage = (w: Worker, m: FromEngine) => {
    switch (m.t) {
      case 'change':
        try {
          bus.emit('change', m.change)
        } catch (err) {
          log.error({ err, alertId: m.change.alert.id }, 'alert listener failed')
        }
        return
      case 'command':
        opts.commands.send(m.req).then(
          (result) => w.postMessage({ t: 'command-result', rid: m.rid, result } satisfies ToEngine),
          (err: Error) =>
            w.postMessage({
              t: 'command-result',
              rid: m.rid,
              error: err.message,
              ...(err instanceof CourtyardError ? { code: err.code } : {}),
            } satisfies ToEngine),
        )
        return
      case 'reply':
      case 'metrics': {
        const p = pending.get(m.rid)
        pending.delete(m.rid)
        p?.resolve(m)
        return
      }
      default:
        return
    }
  }

  /** Starts a worker; resolves once it runs, rejects if it fails before that. */
  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(opts.entry.boot, {
        workerData: { listeningSince, ...opts.worker, commits: opts.commits, entry: opts.entry.module },
        name: 'alert-engine',
      })
      worker = w
      let started = false
      w.on('message', (m: FromEngine) => {
        if (m.t === 'ready') {
          started = true
          up = true
          everUp = true
          resolve()
          return
        }
        onMessage(w, m)
      })
      w.on('error', (err) => {
        log.error({ err }, 'alert engine thread failed')
        if (!started) reject(err)
      })
      w.on('exit', (code) => {
        up = false
        if (worker === w) worker = undefined
        failPending('the alert engine stopped: try again in a few seconds')
        if (!started) {
          reject(new Error(`alert engine thread exited (code ${code}) before it started`))
          return
        }
        if (stopping) return
        restarts.inc()
        log.error({ code }, 'alert engine thread exited: starting it again in 1 s')
        setTimeout(() => void restart(1), 1000).unref()
      })
    })

  const restart = async (attempt: number): Promise<void> => {
    if (stopping) return
    try {
      await spawn()
      log.info(
        { attempt },
        everUp && attempt > 0 ? 'alert engine thread started again' : 'alert engine thread started',
      )
    } catch (err) {
      const waitMs = Math.min(30_000, 1000 * 2 ** attempt)
      startFailures.inc()
      log.error({ err, attempt, waitMs }, 'alert engine thread did not start')
      setTimeout(() => void restart(attempt + 1), waitMs).unref()
    }
  }

  if (opts.awaitFirstStart === false) void restart(0)
  else await spawn()

  // the worker's metrics, on this thread's /metrics: one question to the worker per scrape
  let snapshot: Promise<EngineMetricJson[]> | undefined
  let last: EngineMetricJson[] = []
  const workerMetrics = () => {
    snapshot ??= request((rid) => ({ t: 'metrics', rid }))
      .then((m) => (m.t === 'metrics' ? m.metrics : last))
      .catch(() => last)
      .then((json) => {
        last = json
        setImmediate(() => {
          snapshot = undefined
        })
        return json
      })
    return snapshot
  }
  for (const name of ENGINE_METRIC_NAMES) {
    opts.metrics.removeSingleMetric(name)
    // prom-client's registry asks each metric for get(): an object that answers from the worker's copy
    opts.metrics.registerMetric({
      name,
      get: async () => {
        const m = (await workerMetrics()).find((x) => x.name === name)
        return m ?? { name, help: name, type: 'gauge', aggregator: 'sum', values: [] }
      },
      // the worker owns the values: nothing to reset here
      reset() {},
    } as unknown as Parameters<MetricsRegistry['registerMetric']>[0])
  }

  const action = async (t: 'acknowledge' | 'clear', id: string, by: string, note?: string) => {
    const m = await request((rid) => ({ t, rid, id, by, ...(note === undefined ? {} : { note }) }))
    if (m.t !== 'reply') return undefined
    if (m.error !== undefined) throw new CourtyardError('INTERNAL', `alert ${t} failed: ${m.error}`)
    return m.alert
  }

  return {
    store: opts.store,
    acknowledge: (id, by, note) => action('acknowledge', id, by, note),
    clear: (id, by, note) => action('clear', id, by, note),
    settingsChanged(scope, id) {
      worker?.postMessage({ t: 'settings-changed', scope, id } satisfies ToEngine)
    },
    running: () => up,
    started: () => everUp,
    async terminateWorker() {
      await worker?.terminate()
    },
    async stop() {
      stopping = true
      const w = worker
      if (!w) return
      // the worker takes a last snapshot and closes its files; terminate() only if it hangs
      const done = new Promise<boolean>((resolve) => {
        w.once('exit', () => resolve(true))
        w.on('message', (m: FromEngine) => m.t === 'stopped' && resolve(true))
        setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref()
      })
      w.postMessage({ t: 'stop' } satisfies ToEngine)
      if (!(await done)) log.error('alert engine thread did not stop within 15 s: terminated')
      await w.terminate()
    },
  }
}
