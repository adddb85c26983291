// The CSV columns of each report, with the header row in English or Chinese (`lang`). Machine values
// (dates, ids, alert types, numbers) stay as the JSON answer has them, so a sheet can be joined with it.
import type { AlertsRow, StrayWireRow } from './alert-reports.ts'
import type { EnergyRow, SessionsRow } from './charging-reports.ts'
import type { CsvColumn } from './csv.ts'

export const REPORT_LANGS = ['en', 'zh-CN'] as const
export type ReportLang = (typeof REPORT_LANGS)[number]

type Header = Record<ReportLang, string>
const col = <R>(header: Header, value: CsvColumn<R>['value']) => ({ header, value })
type Columns<R> = { header: Header; value: CsvColumn<R>['value'] }[]

const siteCols = <R extends { community: string; siteId: string; siteName: string }>(): Columns<R> => [
  col({ en: 'community', 'zh-CN': '小区' }, (r) => r.community),
  col({ en: 'site id', 'zh-CN': '站点编号' }, (r) => r.siteId),
  col({ en: 'site', 'zh-CN': '站点' }, (r) => r.siteName),
]

const ENERGY: Columns<EnergyRow> = [
  col({ en: 'date', 'zh-CN': '日期' }, (r) => r.date),
  ...siteCols<EnergyRow>(),
  col({ en: 'metered kWh', 'zh-CN': '电表用电 (kWh)' }, (r) => r.meteredKWh),
  col({ en: 'charged kWh', 'zh-CN': '充电电量 (kWh)' }, (r) => r.chargedKWh),
  col({ en: 'sessions ended', 'zh-CN': '完成充电次数' }, (r) => r.sessions),
  // last, so the columns a sheet already reads stay where they were
  col({ en: 'meter reset', 'zh-CN': '电表复位' }, (r) => r.meterResets.join(' ')),
]

const SESSIONS: Columns<SessionsRow> = [
  ...siteCols<SessionsRow>(),
  col({ en: 'device', 'zh-CN': '设备' }, (r) => r.deviceId),
  col({ en: 'port', 'zh-CN': '端口' }, (r) => r.port),
  col({ en: 'sessions started', 'zh-CN': '开始充电次数' }, (r) => r.started),
  col({ en: 'sessions ended', 'zh-CN': '完成充电次数' }, (r) => r.ended),
  col({ en: 'charged kWh', 'zh-CN': '充电电量 (kWh)' }, (r) => r.chargedKWh),
]

const ALERTS: Columns<AlertsRow> = [
  col({ en: 'community', 'zh-CN': '小区' }, (r) => r.community),
  col({ en: 'alert type', 'zh-CN': '告警类型' }, (r) => r.type),
  col({ en: 'raised', 'zh-CN': '告警数' }, (r) => r.raised),
  col({ en: 'still open', 'zh-CN': '未关闭' }, (r) => r.open),
]

const STRAY_WIRE: Columns<StrayWireRow> = [
  col({ en: 'month', 'zh-CN': '月份' }, (r) => r.month),
  ...siteCols<StrayWireRow>(),
  col({ en: 'site kind', 'zh-CN': '站点类型' }, (r) => r.siteKind),
  col({ en: 'incidents', 'zh-CN': '飞线充电次数' }, (r) => r.incidents),
  col({ en: 'still open', 'zh-CN': '未关闭' }, (r) => r.open),
]

export const REPORT_COLUMNS = {
  energy: ENERGY,
  sessions: SESSIONS,
  alerts: ALERTS,
  'stray-wire': STRAY_WIRE,
}
export type ReportName = keyof typeof REPORT_COLUMNS

export function columnsIn<R>(columns: Columns<R>, lang: ReportLang): CsvColumn<R>[] {
  return columns.map((c) => ({ header: c.header[lang], value: c.value }))
}
