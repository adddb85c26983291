// Public face of the evaluations: the stray-wire detector's labelled scenarios, for the bench's cost
// figure and the tests' small set (`npm run eval:stray-wire` runs the whole evaluation).
export { DEFAULT_CREW, runScenario } from './stray-wire/evaluate.ts'
export { buildScenario, FAMILIES, FAMILY_GROUPS } from './stray-wire/families.ts'
export { DAY, DEV_RANGES, HELD_OUT_RANGES, MIN, type Scenario } from './stray-wire/scenario.ts'
