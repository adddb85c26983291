// The rules of the alert catalogue: what the engine calls per message and on its offline tick.
export { evaluateDevice, readsTelemetryFields, skimLikely } from './evaluate-device.ts'
export { forgetClearedAlert } from './forget.ts'
export { evaluateOffline } from './offline.ts'
export { initialRulesState, type RulesState, readRulesState } from './state.ts'
