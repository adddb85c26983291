// Bounds MQTT packet size at the socket, before aedes' parser buffers anything: mqtt-packet accumulates
// a whole packet before parsing it, so a CONNECT announcing 200 MB grows memory while the bytes
// arrive, before authentication runs (measurements.md). We follow the fixed headers in the byte
// stream and destroy the connection as soon as a remaining length above the limit is announced.
import type { Readable } from 'node:stream'

/** Incremental scanner of MQTT fixed headers (3.1.1 §2.2: type byte, 1–4 byte remaining length). */
export class FrameScanner {
  /** 0: expecting the type byte; 1: reading the remaining length; 2: skipping the body */
  private state = 0
  private remaining = 0
  private multiplier = 1
  private lengthBytes = 0
  /** size of the offending packet after a violation (-1: malformed length) */
  announced = 0

  constructor(private readonly maxPacketBytes: number) {}

  /** Consumes `chunk`; false once a packet exceeds the limit or its length is malformed. */
  feed(chunk: Uint8Array): boolean {
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.state === 2) {
        const skip = Math.min(this.remaining, n - i)
        i += skip
        this.remaining -= skip
        if (this.remaining === 0) this.state = 0
        continue
      }
      if (this.state === 0) {
        i++
        this.state = 1
        this.remaining = 0
        this.multiplier = 1
        this.lengthBytes = 0
        continue
      }
      const b = chunk[i++]!
      this.remaining += (b & 0x7f) * this.multiplier
      this.multiplier *= 128
      this.lengthBytes++
      if (b & 0x80) {
        // MQTT-2.2.3: at most four length bytes
        if (this.lengthBytes === 4) {
          this.announced = -1
          return false
        }
        continue
      }
      const total = 1 + this.lengthBytes + this.remaining
      if (total > this.maxPacketBytes) {
        this.announced = total
        return false
      }
      this.state = this.remaining === 0 ? 0 : 2
    }
    return true
  }
}

/**
 * Checks every byte aedes pulls from `stream` (aedes reads with `read()` on 'readable'), so the check
 * costs no extra stream hop or copy on the hot path. On a violation the stream is destroyed and the
 * bytes never reach the parser.
 */
export function limitPacketSize(
  stream: Readable,
  maxPacketBytes: number,
  onViolation: (announced: number) => void,
): void {
  const scanner = new FrameScanner(maxPacketBytes)
  const read = stream.read
  let violated = false
  stream.read = function limitedRead(this: Readable, size?: number) {
    if (violated) return null
    const chunk = read.call(this, size) as Buffer | string | null
    if (chunk !== null && typeof chunk !== 'string' && !scanner.feed(chunk)) {
      violated = true
      onViolation(scanner.announced)
      this.destroy()
      return null
    }
    return chunk
  }
}
