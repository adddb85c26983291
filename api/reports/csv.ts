// Reports as CSV that Excel opens as people expect: RFC 4180 (CRLF line ends, a header row, fields with
// a comma, quote or line break in double quotes, quotes doubled), UTF-8 with a byte-order mark (without
// it Excel reads UTF-8 as the local ANSI code page and Chinese names turn to mojibake).
//
// Text cells may come from people or devices (site and community names). A spreadsheet runs a cell that
// starts with = + - @ (or a tab or carriage return ahead of one) as a formula ("CSV injection"), so such
// text gets a leading apostrophe, which Excel and LibreOffice show as text. Numbers are written as numbers.

export const CSV_BOM = '\uFEFF'

export type CsvCell = string | number | null | undefined

export interface CsvColumn<R> {
  header: string
  value(row: R): CsvCell
}

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  const text = FORMULA_START.test(v) ? `'${v}` : v
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','))
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`
}
