// The engine against the real thing: a spool in a temp dir (writer + the 'alerts' consumer), a real
// registry, a real alerts.db, a bus that records every change. Time is a variable the test moves.
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { type AlertsDb, openAlertsDb } from '../../../alerts/db.ts'
import { type AlertEngine, startAlertEngine } from '../../../alerts/engine.ts'
import type { ResolveSettings } from '../../../alerts/settings.ts'
import type { EvaluateDevice, EvaluateOffline, ForgetClearedAlert } from '../../../alerts/types.ts'
import type { AlertBusEvents, AlertChange, CommandRequest, CommandResult } from '../../../domain/bus.ts'
import { openRegistry, type Registry } from '../../../registry/index.ts'
import { openSpoolReader, openSpoolWriter, type SpoolReader, type SpoolWriter } from '../../../spool/index.ts'
import { until as untilHolds } from '../../support/poll.ts'
import { testEvaluateDevice, testEvaluateOffline, testResolveSettings } from './test-rules.ts'

export const T0 = Date.UTC(2026, 5, 1, 8, 0, 0)

export interface Rules {
  evaluateDevice: EvaluateDevice
  evaluateOffline: EvaluateOffline
  resolveSettings: ResolveSettings
  forgetClearedAlert?: ForgetClearedAlert
}

export const testRules: Rules = {
  evaluateDevice: testEvaluateDevice,
  evaluateOffline: testEvaluateOffline,
  resolveSettings: testResolveSettings,
}

export const until = (check: () => boolean, what: string, deadlineMs = 10_000): Promise<void> =>
  untilHolds(check, { timeoutMs: deadlineMs, what })

/** A real registry with tenant `acme`, charging shed `shed-a` and `piles` (reporting every 60 s). */
export async function openShedRegistry(path: string, log: Logger, piles: string[]): Promise<Registry> {
  const registry = openRegistry({ path, log, scrypt: { N: 1024, r: 8, p: 1 } })
  registry.createTenant({ id: 'acme', name: 'Acme' })
  registry.createSite({
    id: 'shed-a',
    tenantId: 'acme',
    name: 'Shed A',
    community: 'Garden',
    kind: 'charging-shed',
  })
  for (const id of piles)
    await registry.provisionDevice({ id, kind: 'charging-pile', siteId: 'shed-a', reportIntervalS: 60 })
  return registry
}

/** `busyTimeoutMs`: how long the engine's connection waits for another one's write lock (default 5 s). */
export async function startEngineHarness(
  opts: {
    rules?: Rules
    busyTimeoutMs?: number
    syncDb?: () => Promise<void>
    batchSize?: number
    /** how the device answers the engine's commands (default: ok); `req` is already in `commands` */
    answerCommand?: (req: CommandRequest) => Promise<CommandResult>
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-alert-engine-'))
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const clock = { now: T0 }
  const now = () => clock.now
  const registry = await openShedRegistry(join(dir, 'registry.db'), log, ['pile-1', 'pile-2'])

  const spoolDir = join(dir, 'spool')
  let reader: SpoolReader
  const writer: SpoolWriter = await openSpoolWriter({
    dir: spoolDir,
    maxBytes: 64 * 1024 * 1024,
    log,
    now,
    onCommit: () => reader?.notify(),
  })
  let db: AlertsDb
  let engine: AlertEngine
  let metrics: MetricsRegistry
  let bus: EventEmitter<AlertBusEvents>
  const changes: AlertChange[] = []
  const commands: CommandRequest[] = []

  const start = async () => {
    reader = await openSpoolReader({ dir: spoolDir, log, consumer: 'alerts', pollMs: 5 })
    db = openAlertsDb(join(dir, 'alerts.db'), { busyTimeoutMs: opts.busyTimeoutMs })
    metrics = new MetricsRegistry()
    bus = new EventEmitter<AlertBusEvents>()
    bus.on('change', (c) => changes.push(c))
    engine = startAlertEngine({
      spool: reader,
      directory: registry,
      db,
      ...(opts.rules ?? testRules),
      bus,
      log,
      metrics,
      now,
      offlineCheckIntervalMs: 0,
      ...(opts.syncDb ? { syncDb: opts.syncDb } : {}),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      commands: {
        async send(req) {
          commands.push(req)
          if (opts.answerCommand) return opts.answerCommand(req)
          return { id: `cmd-${commands.length}`, ok: true }
        },
      },
    })
  }
  const stopEngine = async () => {
    await engine.stop()
    await reader.close()
    db.close()
  }
  await start()

  const h = {
    dir,
    clock,
    registry,
    changes,
    commands,
    get engine() {
      return engine
    },
    get db() {
      return db
    },
    get metrics() {
      return metrics
    },
    get bus() {
      return bus
    },
    /** Appends a publish to the spool (as the broker would): durable, not yet seen by the engine. */
    async append(deviceId: string, channel: 'telemetry' | 'events' | 'status', payload: object | string) {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
      await new Promise<void>((resolve, reject) =>
        writer.append(`devices/${deviceId}/${channel}`, Buffer.from(body), (err) =>
          err ? reject(err) : resolve(),
        ),
      )
    },
    /** Appends a publish to the spool and waits until the engine has seen it. */
    async publish(deviceId: string, channel: 'telemetry' | 'events' | 'status', payload: object | string) {
      await h.append(deviceId, channel, payload)
      await h.drained()
    },
    /**
     * Runs the offline check at `atMs` until `done()`: the engine judges silence on the wall clock only
     * once a read has found the spool's end (until then, at the newest arrival it has read).
     */
    async tickUntil(atMs: number, done: () => boolean, what: string) {
      await until(() => {
        engine.tick(atMs)
        return done()
      }, what)
    },
    /** Bytes of spool the engine's checkpoint has not passed yet. */
    backlogBytes: () => reader.backlogBytes(),
    /** Waits until the engine went through every appended record: its spool checkpoint reached the end. */
    async drained() {
      await until(() => reader.backlogBytes() === 0, 'alert engine caught up with the spool')
    },
    async restart() {
      await stopEngine()
      await start()
    },
    /** A crash after the engine's transaction but before the spool checkpoint moved: the spool replays. */
    async restartWithSpoolReplay() {
      await stopEngine()
      rmSync(join(spoolDir, 'checkpoint-alerts.json'))
      await start()
    },
    async close() {
      await stopEngine()
      await writer.close()
      registry.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return h
}

export type EngineHarness = Awaited<ReturnType<typeof startEngineHarness>>

/** A pile reading at `ts` with the given port temperatures (port n ↔ temps[n-1]). */
export function pileReading(ts: number, seq: number, temps: number[]) {
  return {
    ts,
    seq,
    kind: 'charging-pile',
    feeder: { voltageV: 230, currentA: 2, powerW: 400 },
    ports: temps.map((t, i) => ({ port: i + 1, state: 'charging', powerW: 150, tempC: t })),
  }
}
