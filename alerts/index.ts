// Public face of the alert engine: rules on event time, the stray-wire detector, the alert lifecycle and
// store (alerts.db), the engine's worker thread, InfluxDB annotations. The service wires it; the API's
// alert routes read and act through it; notify and commands keep their tables in the same alerts.db.
export { type AlertAnnotations, type AlertAnnotationsOptions, startAlertAnnotations } from './annotations.ts'
export { type AlertsDb, migratePart, openAlertsDb, type PartMigration } from './db.ts'
export { type AlertEngine, type AlertEngineOptions, startAlertEngine } from './engine.ts'
export type { EngineMetricJson, EngineWorkerData, FromEngine, ToEngine } from './engine-messages.ts'
export {
  type AlertEngineThread,
  commitSignalDurableEnd,
  createCommitSignal,
  type EngineWorkerEntry,
  startAlertEngineThread,
} from './engine-thread.ts'
export { type AlertsStorePart, openAlertsStore } from './open-alerts.ts'
export { evaluateDevice, evaluateOffline } from './rules/index.ts'
export { inAnyWindow } from './rules/local-time.ts'
export {
  AlertSettingsOverride,
  DEFAULT_ALERT_SETTINGS,
  defaultResolveSettings,
  type ResolveSettings,
  unworkableAtSite,
} from './settings.ts'
export { type AlertsPart, startAlerts } from './start-alerts.ts'
export {
  ALERT_STATE_FILTERS,
  type AlertStateFilter,
  type AlertStore,
  createAlertStore,
  type RaisedCount,
  type SettingsScope,
  type StoredAlert,
} from './store.ts'
export { type LoadSignature, SIGNATURE_KINDS, type SignatureKind } from './stray-wire-circuit-normal.ts'
export * from './stray-wire-detector.ts'
export type { LikeCompressor, StrayWireEvidence } from './stray-wire-explain.ts'
export {
  createStrayWireFeedback,
  handedOverTo,
  type TaughtFrom,
  taughtSignature,
} from './stray-wire-feedback.ts'
export {
  detectSettled,
  initialSettleState,
  type SettleResult,
  type StrayWireSettleState,
  settleReading,
} from './stray-wire-settle.ts'
export { createTransitionFeed, type FedChange, type TransitionFeed } from './transition-feed.ts'
export type { AlertSettings, DailyWindow, RuleDevice, TimeWindow } from './types.ts'
