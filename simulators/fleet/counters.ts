// Counters a fleet's devices update in place (one object per fleet, no module state).
export interface FleetCounters {
  /** QoS 1 telemetry/event publishes handed to MQTT */
  published: number
  /** of those, acknowledged by the broker */
  acked: number
  /** devices currently connected */
  connected: number
  reconnects: number
  /** readings dropped because a device's backlog was full */
  dropped: number
  /** connection and publish errors */
  errors: number
  /** devices the broker refused for good (credentials, client id, protocol version, not authorised) */
  refused: number
  /** malformed messages sent on purpose */
  malformed: number
  /** deliberate offline periods started */
  offlinePeriods: number
  commands: number
}

export const newCounters = (): FleetCounters => ({
  published: 0,
  acked: 0,
  connected: 0,
  reconnects: 0,
  dropped: 0,
  errors: 0,
  refused: 0,
  malformed: 0,
  offlinePeriods: 0,
  commands: 0,
})
