// The engine's topics, parsed once: a device publishes on the same few topics again and again, and a
// look-up by the topic's text costs less than parsing it (a slice, the id pattern, a slice).
//
// Kept in two generations: a topic met again is found in either, and moved to the newer; when the newer
// is full, the older is dropped and the newer takes its place. So what is in use stays kept however many
// topics go by, and topics of devices long gone leave within two generations. Emptying one map when full
// (as first written) parsed nearly every message anew once a fleet's topics (a device's telemetry, its
// status, its events) outnumbered it: at 100,000 circuit monitors, none was found.
import { type DeviceTopic, parseDeviceTopic } from '../domain/topics.ts'

/** topics per generation: two hold a status and a telemetry topic each of 100,000 devices (issue 12 §1) */
const TOPICS_PER_GENERATION = 100_000
/** the longest kept: a device's own topics are an id of at most 64 characters and a channel */
const TOPIC_KEPT_CHARS = 128

export function createTopicParser(
  opts: { perGeneration?: number; parse?: (topic: string) => DeviceTopic | undefined } = {},
): (topic: string) => DeviceTopic | undefined {
  const perGeneration = opts.perGeneration ?? TOPICS_PER_GENERATION
  const parse = opts.parse ?? parseDeviceTopic
  let newer = new Map<string, DeviceTopic | null>()
  let older = new Map<string, DeviceTopic | null>()
  const keep = (topic: string, t: DeviceTopic | null) => {
    if (newer.size >= perGeneration) {
      older = newer
      newer = new Map()
    }
    newer.set(topic, t)
  }
  return (topic) => {
    const known = newer.get(topic)
    if (known !== undefined) return known ?? undefined
    const before = older.get(topic)
    if (before !== undefined) {
      keep(topic, before)
      return before ?? undefined
    }
    const t = parse(topic)
    // a long topic, likely garbage, is parsed each time rather than kept
    if (topic.length <= TOPIC_KEPT_CHARS) keep(topic, t ?? null)
    return t
  }
}
