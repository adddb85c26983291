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
import { createDeviceRunner, type DeviceRunner } from './fleet/device-runner.ts'
import { createInFlightWindow } from './fleet/in-flight-window.ts'
import { rngFor } from './physics/random.ts'
import type { ScenarioPlan } from './scenarios.ts'

export interface FleetOptions {
  /** broker URL: mqtt://, mqtts://, ws:// */
  url: string
  devices: readonly DeviceSpec[]
  seed: number
  log: Logger
  plan?: ScenarioPlan
  /** unacknowledged QoS 1 publishes per device (default 8) and for the whole fleet (default 1000) */
  maxInFlightPerDevice?: number
  maxInFlight?: number
  /** readings a device holds while it cannot send (default: 30 days' worth, at most 50,000) */
  maxBacklog?: number
  /** start this far in the past and send the readings since, as fast as the windows allow */
  backfillMs?: number
  /** stop producing readings at this time; `done` resolves once all are acknowledged */
  endMs?: number
  /** connects are spread over this long so thousands of devices do not CONNECT at once */
  connectSpreadMs?: number
  reconnectBaseMs?: number
  reconnectMaxMs?: number
  now?: () => number
  mqttOptions?: Partial<IClientOptions>
}

export interface FleetStats extends FleetCounters {
  devices: number
  inFlight: number
  /** the most unacknowledged publishes ever outstanding, fleet-wide and on any one device */
  inFlightHighWater: number
  inFlightPerDeviceHighWater: number
  /** readings produced or due but not yet sent */
  buffered: number
}

export interface Fleet {
  stats(): FleetStats
  /** one device's runner, to force an outage by hand */
  device(id: string): DeviceRunner | undefined
  /** resolves when a finite run (`endMs`) has everything acknowledged */
  done: Promise<void>
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
  const t0 = now()
  const spread = opts.connectSpreadMs ?? Math.min(10_000, opts.devices.length * 2)
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  let unfinished = opts.devices.length
  if (unfinished === 0) resolveDone()

  const runners = opts.devices.map((spec) => {
    const model = createDeviceModel(spec, opts.seed)
    const plan = opts.plan?.get(spec.id)
    for (const i of plan?.injections ?? []) model.inject(i)
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
      now,
      reconnectBaseMs: opts.reconnectBaseMs ?? 1000,
      reconnectMaxMs: opts.reconnectMaxMs ?? 30_000,
      endMs: opts.endMs,
      checkCommand,
      mqttOptions: opts.mqttOptions,
      ...(backfillMs > 0 && { historyUntilMs: t0 }),
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
      inFlightHighWater: window.highWater,
      inFlightPerDeviceHighWater: perDevice,
      buffered,
    }
  }

  return {
    stats,
    device: (id) => byId.get(id),
    done,
    async stop(drainMs = 5000) {
      await Promise.all(runners.map((r) => r.stop(drainMs)))
      const s = stats()
      log.info(s, 'fleet stopped')
      return s
    },
  }
}
