// The fleet runner: thousands of simulated devices in one process, each its own mqtt.js client,
// sharing one bounded in-flight window. Backfill, live running, scenarios, stats and a clean stop.
import type { IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import { Compile } from 'typebox/compile'
import { CourtyardError } from '../domain/errors.ts'
import { Command, MAX_AGE_MS } from '../domain/protocol.ts'
import { createDeviceModel } from './devices/create-device-model.ts'
import type { DeviceSpec } from './devices/types.ts'
import { type FleetCounters, newCounters } from './fleet/counters.ts'
import { createDeviceRunner, type DeviceRunner, type RunnerEvents } from './fleet/device-runner.ts'
import { createInFlightWindow } from './fleet/in-flight-window.ts'
import { rngFor } from './physics/random.ts'
import type { DevicePlan, ScenarioPlan } from './scenarios.ts'

export interface FleetOptions {
  /** broker URL: mqtt://, mqtts://, ws:// */
  url: string
  devices: readonly DeviceSpec[]
  seed: number
  log: Logger
  plan?: ScenarioPlan
  /** the level of the lines on the faults it acts out (a device going offline): default info */
  scenarioLogLevel?: 'info' | 'debug'
  /** unacknowledged QoS 1 publishes per device (default 8) and for the whole fleet (default 1000) */
  maxInFlightPerDevice?: number
  maxInFlight?: number
  /** readings a device holds while it cannot send (default: 30 days' worth, at most 50,000) */
  maxBacklog?: number
  /** start this far in the past and send the readings since, as fast as the windows allow */
  backfillMs?: number
  /** stop producing readings at this time; `done` resolves once all are acknowledged */
  endMs?: number
  /** the run's start (default: `now()` when the fleet starts) */
  startMs?: number
  /**
   * The simulated instant the run's start is to the device models: their time of day, weekday, season
   * and random streams follow it, and the plan's times are on its clock. Readings still carry real
   * timestamps (the simulated time moved to the run's start). Default: the run's real start, so the
   * devices live on the wall clock and their readings depend on when the run starts.
   */
  simStartMs?: number
  /** connects are spread over this long so thousands of devices do not CONNECT at once */
  connectSpreadMs?: number
  /**
   * When no device has connected this long after the start, `unusable` says why (the broker's address,
   * TLS, a refusal…); devices go on trying until stopped. Default: never.
   */
  connectTimeoutMs?: number
  reconnectBaseMs?: number
  reconnectMaxMs?: number
  now?: () => number
  mqttOptions?: Partial<IClientOptions>
}

export interface FleetStats extends FleetCounters {
  devices: number
  inFlight: number
  /** published but not (yet) acknowledged by the broker: in flight, or lost with a connection at the end */
  unacked: number
  /** the most unacknowledged publishes ever outstanding, fleet-wide and on any one device */
  inFlightHighWater: number
  inFlightPerDeviceHighWater: number
  /** readings produced or due but not yet sent (after `stop`: readings that were never sent) */
  buffered: number
}

export interface Fleet {
  stats(): FleetStats
  /** one device's runner, to force an outage by hand */
  device(id: string): DeviceRunner | undefined
  /** resolves when a finite run (`endMs`) has everything acknowledged (or a device was refused for good) */
  done: Promise<void>
  /**
   * Resolves with a one-line reason when the fleet cannot run at all: the broker refused every device, or
   * none connected within `connectTimeoutMs`. Never resolves otherwise.
   */
  unusable: Promise<string>
  /** Stops producing, waits up to `drainMs` for in-flight acks, marks devices offline and disconnects. */
  stop(drainMs?: number): Promise<FleetStats>
}

const checkCommand = (() => {
  const v = Compile(Command)
  return (x: unknown): x is Command => v.Check(x)
})()

export function startFleet(opts: FleetOptions): Fleet {
  const now = opts.now ?? Date.now
  const backfillMs = opts.backfillMs ?? 0
  // protocol: readings older than 30 days are rejected
  if (backfillMs > MAX_AGE_MS)
    throw new CourtyardError('BAD_REQUEST', 'backfill must be at most 30 days (protocol)')
  const ids = new Set<string>()
  for (const d of opts.devices) {
    if (ids.has(d.id)) throw new CourtyardError('BAD_REQUEST', `device ${d.id} appears twice`)
    ids.add(d.id)
  }
  const counters = newCounters()
  const window = createInFlightWindow(opts.maxInFlight ?? 1000)
  const log = opts.log.child({ component: 'fleet' })
  const t0 = opts.startMs ?? now()
  // real time − simulated time: what moves a model's timestamps (and the plan's) onto the wall clock
  const shiftMs = opts.simStartMs === undefined ? 0 : t0 - opts.simStartMs
  const spread = opts.connectSpreadMs ?? Math.min(10_000, opts.devices.length * 2)
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  let unfinished = opts.devices.length
  if (unfinished === 0) resolveDone()
  let resolveUnusable: (why: string) => void = () => {}
  const unusable = new Promise<string>((r) => {
    resolveUnusable = r
  })
  // what the log says about the broker: the first failed attempt before any connection, an outage that
  // took connections away, and its end; one line each, not one per device
  let everConnected = false
  let lastFailure: string | undefined
  const lost = new Set<string>()
  let refusedDevices = 0
  const events: RunnerEvents = {
    connected(id) {
      if (!everConnected) {
        everConnected = true
        if (lastFailure !== undefined) log.info({ url: opts.url }, 'connected to the broker')
      }
      if (lost.delete(id) && lost.size === 0)
        log.info(
          { url: opts.url, reconnects: counters.reconnects },
          'every device that lost the broker is back',
        )
    },
    lost(id) {
      if (lost.size === 0)
        log.warn(
          { url: opts.url, deviceId: id },
          'lost the broker: devices reconnect with backoff and keep their readings until they can send',
        )
      lost.add(id)
    },
    attemptFailed(_id, message) {
      if (!everConnected && lastFailure === undefined)
        log.warn({ url: opts.url, reason: message }, 'cannot connect to the broker yet; retrying')
      lastFailure = message
    },
    refused(id, reason) {
      lost.delete(id)
      lastFailure = reason
      refusedDevices++
      if (refusedDevices === opts.devices.length)
        resolveUnusable(`the broker at ${opts.url} refused every device (${reason})`)
    },
  }
  const giveUp =
    opts.connectTimeoutMs === undefined || opts.devices.length === 0
      ? undefined
      : setTimeout(() => {
          if (everConnected) return
          const s = Math.round((opts.connectTimeoutMs as number) / 1000)
          resolveUnusable(
            `no device could connect to ${opts.url} within ${s} s${lastFailure ? ` (${lastFailure})` : ''}`,
          )
        }, opts.connectTimeoutMs)
  giveUp?.unref()

  const runners = opts.devices.map((spec) => {
    const model = createDeviceModel(spec, opts.seed)
    const planned = opts.plan?.get(spec.id)
    // the model takes its injections on its own clock; outages and malformed messages happen in real time
    for (const i of planned?.injections ?? []) model.inject(i)
    const plan = planned && shiftMs !== 0 ? shiftPlan(planned, shiftMs) : planned
    const rng = rngFor(opts.seed, spec.id, 'fleet')
    const intervalMs = spec.reportIntervalS * 1000
    const runner = createDeviceRunner({
      url: opts.url,
      model,
      plan,
      window,
      maxInFlight: opts.maxInFlightPerDevice ?? 8,
      maxBacklog: opts.maxBacklog ?? Math.min(50_000, Math.ceil(MAX_AGE_MS / intervalMs)),
      counters,
      rng,
      log,
      scenarioLogLevel: opts.scenarioLogLevel ?? 'info',
      now,
      reconnectBaseMs: opts.reconnectBaseMs ?? 1000,
      reconnectMaxMs: opts.reconnectMaxMs ?? 30_000,
      endMs: opts.endMs,
      checkCommand,
      mqttOptions: opts.mqttOptions,
      modelShiftMs: shiftMs,
      ...(backfillMs > 0 && { historyUntilMs: t0 }),
      events,
      onFinished: () => {
        unfinished--
        if (unfinished === 0) resolveDone()
      },
    })
    // jittered phase: devices report at their own offset within the interval, not all at :00
    const phase = Math.floor(rng() * intervalMs)
    runner.start(t0 - backfillMs + phase, Math.floor(rng() * spread))
    return runner
  })
  const byId = new Map(runners.map((r) => [r.id, r]))
  log.info({ devices: runners.length, backfillMs, url: opts.url }, 'fleet started')

  function stats(): FleetStats {
    let inFlight = 0
    let buffered = 0
    let perDevice = 0
    for (const r of runners) {
      inFlight += r.inFlight
      buffered += r.backlog()
      if (r.inFlightHighWater > perDevice) perDevice = r.inFlightHighWater
    }
    return {
      ...counters,
      devices: runners.length,
      inFlight,
      unacked: counters.published - counters.acked,
      inFlightHighWater: window.highWater,
      inFlightPerDeviceHighWater: perDevice,
      buffered,
    }
  }

  return {
    stats,
    device: (id) => byId.get(id),
    done,
    unusable,
    async stop(drainMs = 5000) {
      if (giveUp) clearTimeout(giveUp)
      await Promise.all(runners.map((r) => r.stop(drainMs)))
      const s = stats()
      log.info(s, 'fleet stopped')
      return s
    },
  }
}

/** A plan's outages and malformed messages moved by `ms` (from the simulated clock to the real one). */
function shiftPlan(p: DevicePlan, ms: number): DevicePlan {
  return {
    injections: p.injections,
    offline: p.offline.map((o) => ({ startMs: o.startMs + ms, endMs: o.endMs + ms })),
    malformed: p.malformed.map((m) => ({ ...m, atMs: m.atMs + ms })),
  }
}
