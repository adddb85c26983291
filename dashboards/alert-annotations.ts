// Alert changes (measurement alert_event, written by the alert engine) drawn as annotations on every
// time-series panel: the alert's message as text, its type and severity as tags.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import type { AlertType, Severity, TransitionKind } from '../domain/alerts.ts'
import { TAG } from '../domain/storage.ts'
import type { DashboardConfig } from './config.ts'
import { influxQuery } from './influx-target.ts'
import { literal, M } from './influxql.ts'
import { type ScopeLevel, scopeWhere } from './variables.ts'

export interface AlertAnnotationOptions {
  name: string
  /** the alert types shown; all when omitted */
  types?: readonly AlertType[]
  /** the severities shown; all when omitted */
  severities?: readonly Severity[]
  /** which changes: `raised` by default */
  transition?: TransitionKind
  /** Grafana colour name or hex */
  color: string
  levels: readonly ScopeLevel[]
}

export function alertAnnotation(
  cfg: DashboardConfig,
  o: AlertAnnotationOptions,
): dashboard.AnnotationQueryBuilder {
  const a = M.alert
  const where = [a.fieldIs('kind', o.transition ?? 'raised'), ...scopeWhere(a, o.levels)]
  if (o.types !== undefined && o.types.length > 0)
    where.push(`(${o.types.map((t) => `${a.tag(TAG.type)} = ${literal(t)}`).join(' OR ')})`)
  if (o.severities !== undefined && o.severities.length > 0)
    where.push(`(${o.severities.map((s) => `${a.tag(TAG.severity)} = ${literal(s)}`).join(' OR ')})`)
  const query = a.select({
    select: [a.field('message'), a.tag(TAG.type), a.tag(TAG.severity), a.tag(TAG.site), a.tag(TAG.device)],
    where,
  })
  return new dashboard.AnnotationQueryBuilder()
    .name(o.name)
    .datasource(cfg.datasource)
    .enable(true)
    .iconColor(o.color)
    .target(
      influxQuery(query)
        .refId('Anno')
        .datasource(cfg.datasource)
        .annotationColumns({ text: 'message', tags: 'type,severity,site,device', title: 'type' }),
    )
}
