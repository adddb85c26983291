// One simulated device on the wire: an mqtt.js client with the device's own credentials and Will,
// readings produced on schedule (or as fast as the windows allow while catching up: backfill or after
// an outage), a bounded in-flight window, jittered reconnect backoff, commands answered.
import type { Socket } from 'node:net'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { type Command, type CommandAck, expiredCommandAck, MAX_AGE_MS } from '../../domain/protocol.ts'
import { topics } from '../../domain/topics.ts'
import type { DeviceModel, OutMessage } from '../devices/types.ts'
import { applyMalformed, type RawMessage, serialize } from '../malformed.ts'
import type { Rng } from '../physics/random.ts'
import type { DevicePlan } from '../scenarios.ts'
import type { FleetCounters } from './counters.ts'
import type { InFlightWindow } from './in-flight-window.ts'

export interface RunnerDeps {
  url: string
  model: DeviceModel
  plan?: DevicePlan
  /** the fleet-wide window, shared by every device */
  window: InFlightWindow
  maxInFlight: number
  /** readings a device keeps while it cannot send; older ones are dropped (a device's memory is finite) */
  maxBacklog: number
  counters: FleetCounters
  rng: Rng
  log: Logger
  /** the level of the lines on the faults it acts out */
  scenarioLogLevel: 'info' | 'debug'
  now: () => number
  reconnectBaseMs: number
  reconnectMaxMs: number
  /** no readings at or after this time (a finite run); undefined = forever */
  endMs?: number
  checkCommand: (v: unknown) => v is Command
  mqttOptions?: Partial<IClientOptions>
  /**
   * real time − the model's time: the model is stepped at `t − modelShiftMs` and its messages' `ts` moved
   * back by as much (a simulated clock, fleet.ts `simStartMs`); 0 when the model lives on the wall clock
   */
  modelShiftMs?: number
  /** readings before this time are the backfill history asked for, not held in the device's memory */
  historyUntilMs?: number
  /** called once when a finite run has sent and had acknowledged everything, or the broker refused the device */
  onFinished: () => void
  /** what the fleet logs and decides on: connections made and lost, attempts that failed, refusals */
  events?: RunnerEvents
}

export interface RunnerEvents {
  connected(id: string): void
  /** a connection closed that the device did not close on purpose (an outage it did not plan) */
  lost(id: string): void
  /** a connection attempt failed (refused CONNACK, unreachable broker, TLS, timeout…) */
  attemptFailed(id: string, message: string): void
  /** the broker refused the device for good (CONNACK 1, 2, 4 or 5): it stops */
  refused(id: string, reason: string): void
}

/** CONNACK return codes that no retry changes: bad protocol version, client id, credentials, not authorised (3, server unavailable, is retried). */
const PERMANENT_REFUSALS = new Set([1, 2, 4, 5])
/** a reading this close to the protocol's 30-day limit when it is produced would be rejected on arrival */
const AGE_MARGIN_MS = 60_000
/** answers remembered so that a repeated command id is answered again, not run again (protocol: Commands) */
const REMEMBERED_COMMANDS = 256

export interface DeviceRunner {
  readonly id: string
  readonly connected: boolean
  readonly inFlight: number
  readonly inFlightHighWater: number
  /** readings produced or due but not yet handed to MQTT (once stopped: those left unsent) */
  backlog(): number
  start(firstReadingMs: number, connectDelayMs: number): void
  /** Drops the connection without DISCONNECT (so the Will fires) and stays away for `ms`. */
  goOffline(ms: number): void
  stop(drainMs: number): Promise<void>
}

const jitter = (rng: Rng, ms: number) => Math.round(ms * (0.5 + rng()))

export function createDeviceRunner(d: RunnerDeps): DeviceRunner {
  const { model, counters, log } = d
  const spec = model.spec
  const id = spec.id
  const intervalMs = spec.reportIntervalS * 1000
  const queue: RawMessage[] = []
  const malformed = [...(d.plan?.malformed ?? [])].sort((a, b) => a.atMs - b.atMs)
  const timers = new Set<NodeJS.Timeout>()
  let client: MqttClient | undefined
  let nextT = 0
  let inFlight = 0
  let highWater = 0
  let connected = false
  let stopping = false
  let finished = false
  let attempt = 0
  let readingTimer: NodeJS.Timeout | undefined
  let refused = false
  let offlineOnPurpose = false
  let stoppedAt: number | undefined
  let drained: (() => void) | undefined
  const answered = new Map<string, CommandAck>()

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
    return t
  }

  const owed = () => {
    if (d.endMs !== undefined && nextT >= d.endMs) return 0
    const until = Math.min(
      stoppedAt ?? d.now(),
      d.endMs === undefined ? Number.POSITIVE_INFINITY : d.endMs - 1,
    )
    return nextT <= until ? Math.floor((until - nextT) / intervalMs) + 1 : 0
  }

  /** Skips `n` due readings that will never be sent, counting them as dropped. */
  const skip = (n: number) => {
    counters.dropped += n
    nextT += n * intervalMs
  }

  /** Produces the next due reading into the queue; false when none is due. */
  function fill(): boolean {
    // protocol: readings older than 30 days are rejected; one that old by the time it could be sent is lost
    const oldest = d.now() - MAX_AGE_MS + AGE_MARGIN_MS
    if (nextT < oldest) skip(Math.min(owed(), Math.ceil((oldest - nextT) / intervalMs)))
    const due = owed()
    if (due === 0) return false
    // the device's memory bounds what it keeps through an outage; the backfill history asked for is not
    // held in memory, so it is all sent however long it is
    const history =
      d.historyUntilMs !== undefined && nextT < d.historyUntilMs
        ? Math.ceil((d.historyUntilMs - nextT) / intervalMs)
        : 0
    if (due > d.maxBacklog + history) skip(due - d.maxBacklog - history)
    const t = nextT
    nextT += intervalMs
    const msgs = stepModel(t)
    const bad = malformed[0]
    if (bad && bad.atMs <= t) {
      malformed.shift()
      const raw = applyMalformed(bad.variant, msgs)
      counters.malformed += raw.filter((r) => r.variant).length
      queue.push(...raw)
    } else {
      for (const m of msgs) queue.push(serialize(m))
    }
    return true
  }

  /** The model's messages for the reading due at real time `t`, with real timestamps. */
  function stepModel(t: number): OutMessage[] {
    const shift = d.modelShiftMs ?? 0
    if (shift === 0) return model.step(t)
    const msgs = model.step(t - shift)
    for (const m of msgs) m.body.ts += shift
    return msgs
  }

  const pumpLater = () => pump()

  function pump(): void {
    if (!client || !connected || stopping) return
    while (inFlight < d.maxInFlight) {
      if (queue.length === 0 && !fill()) break
      if (!d.window.tryAcquire(pumpLater)) return
      const m = queue.shift() as RawMessage
      inFlight++
      if (inFlight > highWater) highWater = inFlight
      counters.published++
      const topic = m.channel === 'telemetry' ? topics.telemetry(id) : topics.events(id)
      client.publish(topic, m.payload, { qos: 1 }, (err) => {
        inFlight--
        d.window.release()
        if (err) counters.errors++
        else counters.acked++
        if (inFlight === 0) drained?.()
        pump()
      })
    }
    schedule()
  }

  function schedule(): void {
    if (readingTimer) clearTimeout(readingTimer)
    readingTimer = undefined
    if (stopping) return
    if (d.endMs !== undefined && nextT >= d.endMs) {
      if (queue.length === 0 && inFlight === 0 && !finished) {
        finished = true
        d.onFinished()
      }
      return
    }
    if (queue.length > 0 || !connected) return
    readingTimer = setTimeout(pump, Math.max(0, nextT - d.now()))
  }

  function onConnect(): void {
    connected = true
    offlineOnPurpose = false
    attempt = 0
    counters.connected++
    d.events?.connected(id)
    const c = client as MqttClient
    // Nagle + delayed ACK add ~20 ms to every QoS 1 round trip at low rate (measurements.md)
    ;(c.stream as unknown as Partial<Socket>).setNoDelay?.(true)
    c.options.reconnectPeriod = jitter(d.rng, d.reconnectBaseMs)
    // protocol: publish `online` (retained) right after connecting
    c.publish(topics.status(id), 'online', { qos: 1, retain: true })
    pump()
  }

  function onCommand(topic: string, payload: Buffer): void {
    if (topic !== topics.commands(id) || !client) return
    let cmd: unknown
    try {
      cmd = JSON.parse(payload.toString('utf8'))
    } catch {
      cmd = undefined
    }
    let ack: CommandAck
    if (d.checkCommand(cmd)) {
      // protocol: a repeated id is the same command and must not be executed twice; it is answered again
      const earlier = answered.get(cmd.id)
      // a command past its `expiresAt` is answered but not run: a stop_port must never run late (protocol v1.1)
      ack = earlier ?? expiredCommandAck(cmd, d.now()) ?? model.command(cmd)
      if (!earlier) {
        answered.set(cmd.id, ack)
        if (answered.size > REMEMBERED_COMMANDS) answered.delete(answered.keys().next().value as string)
      }
    } else {
      ack = {
        id: String((cmd as { id?: unknown } | undefined)?.id ?? 'unknown').slice(0, 64) || 'unknown',
        ok: false,
        error: 'malformed command',
      }
    }
    counters.commands++
    client.publish(topics.commandAck(id), JSON.stringify(ack), { qos: 1 })
  }

  function connect(): void {
    if (stopping) return
    client = mqtt.connect(d.url, {
      clientId: id,
      username: id,
      password: spec.secret ?? '',
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      connectTimeout: 15_000,
      reconnectPeriod: jitter(d.rng, d.reconnectBaseMs),
      // a busy broker (CONNACK 3, server unavailable) is tried again like any outage; the refusals no
      // retry changes end the device in the error handler
      reconnectOnConnackError: true,
      // protocol: Will `offline`, QoS 1, retained
      will: { topic: topics.status(id), payload: Buffer.from('offline'), qos: 1, retain: true },
      ...d.mqttOptions,
    })
    client.subscribe(topics.commands(id), { qos: 1 })
    client.on('connect', onConnect)
    client.on('message', onCommand)
    client.on('close', () => {
      if (connected) {
        counters.connected--
        if (!offlineOnPurpose && !stopping) d.events?.lost(id)
      }
      connected = false
      if (readingTimer) clearTimeout(readingTimer)
      readingTimer = undefined
    })
    client.on('reconnect', () => {
      counters.reconnects++
      attempt++
      // exponential backoff with jitter so a broker restart is not met by a thundering herd
      const c = client as MqttClient
      c.options.reconnectPeriod = jitter(d.rng, Math.min(d.reconnectMaxMs, d.reconnectBaseMs * 2 ** attempt))
    })
    client.on('error', (err) => {
      counters.errors++
      const code = (err as { code?: unknown }).code
      if (typeof code === 'number' && PERMANENT_REFUSALS.has(code)) {
        // retrying cannot help: the device stops and the run reports it
        log.warn({ deviceId: id, reason: err.message }, 'device refused by broker; it stops')
        refuse(err.message)
        return
      }
      log.debug({ deviceId: id, err: err.message }, 'mqtt error')
      if (!connected) d.events?.attemptFailed(id, err.message)
    })
  }

  function refuse(reason: string): void {
    if (refused) return
    refused = true
    counters.refused++
    stopping = true
    for (const t of timers) clearTimeout(t)
    timers.clear()
    if (readingTimer) clearTimeout(readingTimer)
    d.window.cancel(pumpLater)
    client?.end(true)
    d.events?.refused(id, reason)
    if (!finished) {
      finished = true
      d.onFinished()
    }
  }

  return {
    id,
    get connected() {
      return connected
    },
    get inFlight() {
      return inFlight
    },
    get inFlightHighWater() {
      return highWater
    },
    backlog: () => queue.length + owed(),
    start(firstReadingMs, connectDelayMs) {
      nextT = firstReadingMs
      for (const p of d.plan?.offline ?? []) {
        const wait = p.startMs - d.now()
        if (wait >= 0) later(wait, () => this.goOffline(p.endMs - p.startMs))
      }
      later(connectDelayMs, connect)
    },
    goOffline(ms) {
      if (!client || !connected || stopping) return
      counters.offlinePeriods++
      offlineOnPurpose = true
      log[d.scenarioLogLevel]({ deviceId: id, offlineMs: ms }, 'device going offline')
      // the next attempt is the return; later attempts go back to the backoff
      client.options.reconnectPeriod = Math.max(1, ms)
      attempt = 0
      ;(client.stream as unknown as { destroy(): void }).destroy()
    },
    async stop(drainMs) {
      stoppedAt ??= d.now()
      if (refused) return
      stopping = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      if (readingTimer) clearTimeout(readingTimer)
      d.window.cancel(pumpLater)
      const c = client
      if (!c) return
      if (connected && inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve
          later(drainMs, resolve)
        })
      }
      if (connected && inFlight > 0) {
        // the broker did not acknowledge within drainMs: it would not take `offline` either, and a
        // graceful end would wait for its acks for ever; the Will says offline if it ever comes back
        await c.endAsync(true)
      } else if (connected) {
        // a clean shutdown says so itself; the Will only covers crashes
        const said = await new Promise<boolean>((resolve) => {
          c.publish(topics.status(id), 'offline', { qos: 1, retain: true }, (err) => resolve(!err))
          later(drainMs, () => resolve(false))
        })
        // a broker that stopped answering would keep a graceful end waiting for its acks for ever
        await c.endAsync(!said)
      } else {
        await c.endAsync(true)
      }
      for (const t of timers) clearTimeout(t)
    },
  }
}
