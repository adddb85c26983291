// The alert engine's thread. The engine reads the spool on its own (a named consumer), decodes and
// evaluates every device message and keeps alerts.db; on the main thread it would take a share of the
// one core that carries the broker and ingest, here it runs on the other. It opens its own connections
// to the spool, registry.db and alerts.db (all made for several readers and writers) and sends the main
// thread what only the main thread can do: alert changes for the bus (live feed, notifications,
// annotations) and protective commands (its MQTT client).
import { EventEmitter } from 'node:events'
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { Registry as MetricsRegistry } from 'prom-client'
import type { EngineMetricJson, EngineWorkerData, FromEngine, ToEngine } from '../alerts/index.ts'
import { commitSignalDurableEnd, openAlertsDb, startAlertEngine } from '../alerts/index.ts'
import type { AlertBusEvents, CommandRequest, CommandResult } from '../domain/bus.ts'
import { openRegistry } from '../registry/index.ts'
import { NOTIFIED_POLL_MS, openSpoolReader } from '../spool/index.ts'
import { createLogger } from './logger.ts'

const port = parentPort!
const data = workerData as EngineWorkerData
const send = (m: FromEngine) => port.postMessage(m)

// its own lines on the same stdout, in the main thread's format: one write per line, so lines of the two
// threads do not mix
const log = createLogger({ level: data.logLevel, format: data.logFormat ?? 'json' }).child({
  thread: 'alerts',
})

if (data.nice) lowerPriority(data.nice)

const registry = openRegistry({ path: data.registryPath, log })
const db = openAlertsDb(data.alertsDbPath)
// blocking reads: this thread has nothing else to do meanwhile, and the shared libuv pool stays free
// for the main thread's spool fsyncs
// woken by every commit (the shared counter below): the poll is only a safety net; it reads no further
// than the durable end the main thread shares with the counter
const spool = await openSpoolReader({
  dir: data.spoolDir,
  log,
  consumer: 'alerts',
  syncReads: true,
  pollMs: NOTIFIED_POLL_MS,
  durableEnd: commitSignalDurableEnd(data.commits),
})
const metrics = new MetricsRegistry()

const bus = new EventEmitter<AlertBusEvents>()
bus.on('change', (change) => send({ t: 'change', change }))

// protective commands go out through the main thread's MQTT client; the engine audits the result
const relay = commandRelay(send)
const engine = startAlertEngine({
  spool,
  directory: registry,
  siteLocation: (siteId) => registry.getSite(siteId)?.location,
  registryStamp: registry.changeStamp,
  db,
  bus,
  log,
  metrics,
  now: Date.now,
  offlineCheckIntervalMs: data.offlineCheckIntervalMs,
  listeningSince: data.listeningSince,
  commands: relay,
})

const following = followCommits(data.commits, spool)

port.on('message', (m: ToEngine) => {
  switch (m.t) {
    case 'acknowledge':
    case 'clear': {
      // answered once durable (engine-manual.ts): the API's 200 comes after alerts.db's fsync
      const done = m.t === 'acknowledge' ? engine.acknowledge : engine.clear
      done(m.id, m.by, m.note)
        .then(
          (alert) => send({ t: 'reply', rid: m.rid, alert }),
          (err: unknown) => {
            log.error({ err, alertId: m.id }, `alert ${m.t} failed`)
            send({ t: 'reply', rid: m.rid, error: err instanceof Error ? err.message : String(err) })
          },
        )
        // the port closed under a late reply (the worker stopping): nothing is left to tell
        .catch((err: unknown) => log.warn({ err, alertId: m.id }, `alert ${m.t}: reply not sent`))
      return
    }
    case 'settings-changed':
      engine.settingsChanged(m.scope, m.id)
      return
    case 'metrics':
      void metrics.getMetricsAsJSON().then(
        (json) => send({ t: 'metrics', rid: m.rid, metrics: json as unknown as EngineMetricJson[] }),
        (err: Error) => {
          log.error({ err }, 'engine metrics not collected')
          send({ t: 'metrics', rid: m.rid, metrics: [] })
        },
      )
      return
    case 'command-result':
      relay.answer(m)
      return
    case 'stop':
      void stop()
      return
  }
})

async function stop(): Promise<void> {
  following.stop()
  try {
    await engine.stop()
    await spool.close()
  } finally {
    db.close()
    registry.close()
    send({ t: 'stopped' })
  }
}

/** Commands sent through the main thread, each promise settled by the main thread's `command-result`. */
function commandRelay(send: (m: FromEngine) => void) {
  let nextRid = 0
  const asked = new Map<number, { resolve: (r: CommandResult) => void; reject: (e: Error) => void }>()
  return {
    send: (req: CommandRequest) =>
      new Promise<CommandResult>((resolve, reject) => {
        const rid = ++nextRid
        asked.set(rid, { resolve, reject })
        send({ t: 'command', rid, req })
      }),
    answer(m: Extract<ToEngine, { t: 'command-result' }>): void {
      const a = asked.get(m.rid)
      asked.delete(m.rid)
      if (m.result) a?.resolve(m.result)
      else a?.reject(Object.assign(new Error(m.error ?? 'command not sent'), { code: m.code }))
    },
  }
}

/**
 * The main thread counts the spool writer's commits in shared memory: wake the reader on each, as
 * `notify()` does in one thread, without a message per commit.
 */
function followCommits(commits: Int32Array, spool: { notify(): void }) {
  let following = true
  void (async () => {
    let seen = Atomics.load(commits, 0)
    while (following) {
      const w = Atomics.waitAsync(commits, 0, seen)
      if (w.async) await w.value
      seen = Atomics.load(commits, 0)
      spool.notify()
    }
  })()
  return {
    stop: () => {
      following = false
    },
  }
}

/**
 * A nice value for this thread alone (Linux keeps one per thread; /proc/thread-self names it): when the
 * cores are full, the broker and ingest on the main thread come first, and the engine works in what they
 * leave. The engine cannot alert on a message the broker has not taken yet, and at nice 5 it still gets a
 * quarter of a core against a busy main thread, more than it needs (courtyard_alert_engine_lag_seconds).
 */
function lowerPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    setPriority(tid, nice)
  } catch (err) {
    log.warn({ err: String(err), nice }, 'alert engine thread priority unchanged')
  }
}

send({ t: 'ready' })
