// Three costs mqtt-packet (aedes' packet codec) puts on every message, taken off in this process before the
// broker is imported (service/main.ts). All are about the broker's main thread at full load (issue 12 §3,
// bench/README.md "Issue 12 §3"):
// - its debug() calls, about fifteen per publish parsed: each gathers its arguments into an array before
//   it finds DEBUG unset (13 % of the main thread's allocation, the GC's work with it). Where DEBUG is
//   unset when the service starts, the `debug` module hands out functions that do nothing; with DEBUG set,
//   it is left as it is and logs as ever.
// - a PUBACK written as three chunks (type, length, packet id) into a corked socket, flushed as a writev
//   of three buffers on the next tick: written here as one 4-byte buffer, the same bytes, corked the same
//   way (the PUBACKs a device gets in one tick still leave together).
// - its parser reading each header byte, length, packet id and topic through a new Buffer view of the
//   bytes: read in place instead (service/mqtt-parser-reads.ts).
// Nothing else changes: every other packet goes through mqtt-packet's own writer, and each path checks
// the package still looks as it did when this was written, or leaves it alone.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { readBufferListsInPlace } from './mqtt-parser-reads.ts'

export interface MqttFastPaths {
  /** mqtt-packet's debug() calls are no-ops (DEBUG was unset, and mqtt-packet not loaded yet) */
  quietDebug: boolean
  /** PUBACKs go out as one buffer */
  onePuback: boolean
  /** the parser reads numbers and topics in place, not from new slices (service/mqtt-parser-reads.ts) */
  inPlaceReads: boolean
}

type DebugFactory = ((namespace: string) => unknown) & Record<string, unknown>
interface PacketStream {
  write(chunk: Buffer): boolean
  cork?(): void
  uncork?(): void
}
interface MqttPacket {
  writeToStream(packet: { cmd: string; messageId?: number }, stream: PacketStream, opts?: unknown): boolean
  generate(packet: { cmd: string; messageId?: number }): Buffer
}

const PUBACK = 0x40

/** A PUBACK of MQTT 3.1.1 (no reason code, no properties): type, remaining length 2, the packet id. */
function pubackBytes(messageId: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b[0] = PUBACK
  b[1] = 2
  b[2] = messageId >> 8
  b[3] = messageId & 0xff
  return b
}

const uncork = (stream: PacketStream) => stream.uncork?.()

/** A debug() that was never enabled: what `debug` hands out for a namespace DEBUG does not name. */
function off(namespace: string, log: unknown): unknown {
  return Object.assign(() => {}, {
    namespace,
    enabled: false,
    log,
    destroy: () => {},
    extend: (sub: string, delimiter = ':') => off(`${namespace}${delimiter}${sub}`, log),
  })
}

/**
 * Installs both paths where they apply; what it did comes back (for the log). `env` is the service's
 * environment: DEBUG set there keeps mqtt-packet's debug output.
 */
export function installMqttFastPaths(env: NodeJS.ProcessEnv): MqttFastPaths {
  // the mqtt-packet aedes itself loads, and the `debug` that one requires; whatever fails here (a package
  // that moved or changed) leaves that path off, never the service down
  let fromPacket: NodeJS.Require
  let packetPath: string
  try {
    packetPath = createRequire(fileURLToPath(import.meta.resolve('aedes'))).resolve('mqtt-packet')
    fromPacket = createRequire(packetPath)
  } catch {
    return { quietDebug: false, onePuback: false, inPlaceReads: false }
  }
  // mqtt-packet reads its debug functions once, as it loads: too late once it has
  const packetLoaded = fromPacket.cache[packetPath] !== undefined
  const quietDebug = !env.DEBUG && !packetLoaded && attempt(() => quietenDebug(fromPacket))
  const onePuback = attempt(() => sendPubackAsOne(fromPacket(packetPath) as MqttPacket))
  const inPlaceReads = attempt(() => readBufferListsInPlace(fromPacket))
  return { quietDebug, onePuback, inPlaceReads }
}

function attempt(install: () => boolean): boolean {
  try {
    return install()
  } catch {
    return false
  }
}

function quietenDebug(fromPacket: NodeJS.Require): boolean {
  const path = fromPacket.resolve('debug')
  const real = fromPacket(path) as DebugFactory
  const entry = fromPacket.cache[path]
  if (typeof real !== 'function' || typeof real.enable !== 'function' || !entry) return false
  const quiet = Object.assign((namespace: string) => off(namespace, real.log), real)
  quiet.default = quiet
  entry.exports = quiet
  return true
}

function sendPubackAsOne(mqtt: MqttPacket): boolean {
  const own = mqtt.writeToStream
  if (typeof own !== 'function' || typeof mqtt.generate !== 'function') return false
  // the bytes mqtt-packet makes of a PUBACK, or this path stays off
  for (const id of [1, 0x1234, 0xffff])
    if (!mqtt.generate({ cmd: 'puback', messageId: id }).equals(pubackBytes(id))) return false
  const one: MqttPacket['writeToStream'] = (packet, stream, opts) => {
    const id = packet.messageId
    // aedes writes with no options (MQTT 3.1.1 and 3.1); MQTT 5's may carry a reason code and properties
    if (packet.cmd === 'puback' && opts === undefined && Number.isInteger(id) && id! >= 0 && id! <= 0xffff) {
      // corked until the next tick, as mqtt-packet does: a device's PUBACKs released together (one commit
      // of the spool) still leave in one write
      if (stream.cork && stream.uncork) {
        stream.cork()
        process.nextTick(uncork, stream)
      }
      stream.write(pubackBytes(id!))
      // as mqtt-packet answers for a PUBACK: a socket over its high-water mark does not hold back aedes'
      // publish of the message (it waits for a drain where this is false)
      return true
    }
    return own(packet, stream, opts)
  }
  // its `cacheNumbers` switch (mqtt.js sets it) still reaches mqtt-packet's writer
  const cacheNumbers = Object.getOwnPropertyDescriptor(own, 'cacheNumbers')
  if (cacheNumbers) Object.defineProperty(one, 'cacheNumbers', cacheNumbers)
  mqtt.writeToStream = one
  return true
}
