// The colour of each alert severity, the same on every dashboard: a critical count or row is red.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { SEVERITIES, type Severity } from '../domain/alerts.ts'
import { stateMappings } from './panels.ts'

export const SEVERITY_COLOR: Record<Severity, string> = {
  warning: 'yellow',
  minor: 'orange',
  major: 'dark-orange',
  critical: 'red',
}

/** Severity names in their colours (a table's severity column). */
export const severityMappings = (): dashboard.ValueMapping[] =>
  stateMappings(Object.fromEntries(SEVERITIES.map((s) => [s, { text: s, color: SEVERITY_COLOR[s] }])))

/**
 * Per-severity overrides for a panel whose series are named by severity (alias `$tag_severity`): a count
 * of alerts of that severity shows in its colour from 1 up, green at 0.
 */
export function severityCountOverrides<
  P extends { overrideByName(name: string, p: dashboard.DynamicConfigValue[]): P },
>(panel: P): P {
  let p = panel
  for (const s of SEVERITIES)
    p = p.overrideByName(s, [
      {
        id: 'thresholds',
        value: {
          mode: 'absolute',
          steps: [
            { value: null, color: 'green' },
            { value: 1, color: SEVERITY_COLOR[s] },
          ],
        },
      },
    ])
  return p
}
