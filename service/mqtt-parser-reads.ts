// A third cost mqtt-packet puts on every message (service/mqtt-fast-paths.ts has the other two): its parser
// keeps a socket's unparsed bytes in a `bl` BufferList and reads every header byte, length, packet id and
// topic through it. bl reads a number by slicing a new Buffer of 1–4 bytes (and an array for the offset)
// and reading that; a topic by slicing, then decoding the slice. About five such views per PUBLISH, all
// garbage at once. Here, on the prototype of the lists mqtt-packet makes, those reads look in the list's
// first buffer directly when the bytes lie wholly inside it (a socket read holds whole packets nearly
// always) and go to bl's own code otherwise: out of range, across buffers, negative or odd offsets.
// Installed only if bl looks as it did when this was written and the in-place reads answer as bl's own
// on lists split every way (checked at install, below).

/** What this touches of a bl list: its buffers and the five methods mqtt-packet's parser calls. */
interface BufferList {
  _bufs: Buffer[]
  length: number
  readUInt8(offset?: number): number
  readUInt16BE(offset?: number): number
  readUInt32BE(offset?: number): number
  toString(encoding?: BufferEncoding, start?: number, end?: number): string
  slice(start?: number, end?: number): Buffer
  append(buf: Buffer): BufferList
}
type Reads = Pick<BufferList, 'readUInt8' | 'readUInt16BE' | 'readUInt32BE' | 'toString' | 'slice'>
const READS = ['readUInt8', 'readUInt16BE', 'readUInt32BE', 'toString', 'slice'] as const

/** a whole number from 0 to 2^32 − 1 (no negative offset counted from the end, no fraction, no undefined) */
const isIndex = (n: unknown): n is number => typeof n === 'number' && n >>> 0 === n

function inPlaceReads(own: Reads): Reads {
  return {
    readUInt8(this: BufferList, offset?: number): number {
      const b = this._bufs[0]
      return b !== undefined && isIndex(offset) && offset < b.length
        ? b[offset]!
        : own.readUInt8.call(this, offset)
    },
    readUInt16BE(this: BufferList, offset?: number): number {
      const b = this._bufs[0]
      return b !== undefined && isIndex(offset) && offset + 2 <= b.length
        ? (b[offset]! << 8) | b[offset + 1]!
        : own.readUInt16BE.call(this, offset)
    },
    readUInt32BE(this: BufferList, offset?: number): number {
      const b = this._bufs[0]
      return b !== undefined && isIndex(offset) && offset + 4 <= b.length
        ? b.readUInt32BE(offset)
        : own.readUInt32BE.call(this, offset)
    },
    toString(this: BufferList, encoding?: BufferEncoding, start?: number, end?: number): string {
      const b = this._bufs[0]
      return b !== undefined &&
        encoding === 'utf8' &&
        isIndex(start) &&
        isIndex(end) &&
        start < end &&
        end <= b.length
        ? b.toString('utf8', start, end)
        : own.toString.call(this, encoding, start, end)
    },
    // bl hands back the list's only buffer itself for a slice of all of it: left to bl (end < length)
    slice(this: BufferList, start?: number, end?: number): Buffer {
      const b = this._bufs[0]
      return b !== undefined &&
        isIndex(start) &&
        isIndex(end) &&
        start < end &&
        end <= b.length &&
        end < this.length
        ? b.subarray(start, end)
        : own.slice.call(this, start, end)
    },
  }
}

/**
 * A few bytes as one list, cut once at every point, and cut twice at a few: each read at every offset (and
 * range) in and just out of range, in place, answers as bl's own (the same value, or the same error).
 */
function answersAsOwn(makeList: () => BufferList, own: Reads, fast: Reads): boolean {
  const bytes = Buffer.from('300a0003c3a941e282acff', 'hex')
  const n = bytes.length
  const cuts: number[][] = [[], [2, 4], [5, 6], [7, 9]]
  for (let i = 1; i < n; i++) cuts.push([i])
  for (const at of cuts) {
    const list = makeList()
    let from = 0
    for (const to of [...at, n]) {
      list.append(bytes.subarray(from, to))
      from = to
    }
    for (let a = -1; a <= n; a++) {
      for (const m of ['readUInt8', 'readUInt16BE', 'readUInt32BE'] as const)
        if (outcome(() => own[m].call(list, a)) !== outcome(() => fast[m].call(list, a))) return false
      for (let b = a - 1; b <= n + 1; b++) {
        const text = outcome(() => own.toString.call(list, 'utf8', a, b))
        if (text !== outcome(() => fast.toString.call(list, 'utf8', a, b))) return false
        const slice = outcome(() => own.slice.call(list, a, b).toString('hex'))
        if (slice !== outcome(() => fast.slice.call(list, a, b).toString('hex'))) return false
      }
    }
  }
  return true
}

/** the value, or the error's class and code: what a caller could tell apart */
function outcome(read: () => unknown): string {
  try {
    return `= ${JSON.stringify(read())}`
  } catch (err) {
    return `! ${(err as Error).name} ${(err as { code?: string }).code}`
  }
}

/**
 * Installs the in-place reads on the lists `bl` (as mqtt-packet requires it) makes; false where bl is not
 * as expected. `fromPacket` resolves as mqtt-packet does.
 */
export function readBufferListsInPlace(fromPacket: NodeJS.Require): boolean {
  const bl = fromPacket('bl') as () => BufferList
  if (typeof bl !== 'function') return false
  const makeList = () => bl()
  const sample = makeList()
  if (!Array.isArray(sample._bufs) || typeof sample.append !== 'function') return false
  // the prototype mqtt-packet's `bl()` lists share (bl copies BufferList's methods onto its stream's)
  const proto = Object.getPrototypeOf(sample) as Reads
  if (READS.some((m) => typeof proto[m] !== 'function' || !Object.hasOwn(proto, m))) return false
  const own: Reads = {
    readUInt8: proto.readUInt8,
    readUInt16BE: proto.readUInt16BE,
    readUInt32BE: proto.readUInt32BE,
    toString: proto.toString,
    slice: proto.slice,
  }
  const fast = inPlaceReads(own)
  // the check throws a few thousand RangeErrors (reads out of range): quicker without their stacks
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  let same: boolean
  try {
    same = answersAsOwn(makeList, own, fast)
  } finally {
    Error.stackTraceLimit = limit
  }
  if (!same) return false
  Object.assign(proto, fast)
  return true
}
