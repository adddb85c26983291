// The engine's topics, parsed once: a device publishes on the same few topics again and again, and a
// look-up by the topic's text costs less than parsing it (a slice, the id pattern, a slice).
//
// Kept in two generations (domain/generations.ts): emptying one map when full (as first written) parsed
// nearly every message anew once a fleet's topics (a device's telemetry, its status, its events)
// outnumbered it: at 100,000 circuit monitors, none was found.
import { Generations } from '../domain/generations.ts'
import { type DeviceTopic, parseDeviceTopic } from '../domain/topics.ts'

/** topics per generation: two hold a status and a telemetry topic each of 100,000 devices (issue 12 §1) */
const TOPICS_PER_GENERATION = 100_000
/** the longest kept: a device's own topics are an id of at most 64 characters and a channel */
const TOPIC_KEPT_CHARS = 128

export function createTopicParser(
  opts: { perGeneration?: number; parse?: (topic: string) => DeviceTopic | undefined } = {},
): (topic: string) => DeviceTopic | undefined {
  const parse = opts.parse ?? parseDeviceTopic
  // null: a topic that is no device's, kept as such
  const topics = new Generations<string, DeviceTopic | null>(opts.perGeneration ?? TOPICS_PER_GENERATION)
  return (topic) => {
    const known = topics.find(topic)
    if (known !== undefined) return known ?? undefined
    const t = parse(topic)
    // a long topic, likely garbage, is parsed each time rather than kept
    if (topic.length <= TOPIC_KEPT_CHARS) topics.keep(topic, t ?? null)
    return t
  }
}
