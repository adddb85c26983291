/** One minute in ms: the stray-wire detector reads its circuits minute by minute. */
export const MIN = 60_000
