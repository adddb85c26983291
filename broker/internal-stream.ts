// Two connected in-memory streams: what one end writes, the other reads, with backpressure (a write waits
// until the other end reads). The node's own MQTT client talks to its broker over such a pair, so it
// needs no port, no secret check and no place in the queue a reconnect storm fills (service-client.ts).
import { Duplex } from 'node:stream'

export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = []
  /** per end, the callback of its write that waits for the other end to read */
  const waiting: ((() => void) | undefined)[] = [undefined, undefined]
  const end = (i: 0 | 1) => {
    const other = () => ends[1 - i]!
    return new Duplex({
      read() {
        const release = waiting[1 - i]
        waiting[1 - i] = undefined
        release?.()
      },
      write(chunk: Buffer, _encoding, callback) {
        if (other().push(chunk)) callback()
        else waiting[i] = callback
      },
      final(callback) {
        other().push(null)
        callback()
      },
      destroy(err, callback) {
        if (!other().destroyed) other().destroy()
        callback(err)
      },
    })
  }
  ends.push(end(0), end(1))
  return [ends[0]!, ends[1]!]
}
