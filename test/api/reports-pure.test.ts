// The reports' pure pieces: local calendar dates and months, and CSV cells.
import { describe, expect, it } from 'vitest'
import { DEFAULT_QUERY_BOUNDS } from '../../api/query-bounds.ts'
import { csvCell, toCsv } from '../../api/reports/csv.ts'
import {
  DAY_MS,
  dayStartMs,
  formatDay,
  instantRange,
  localDay,
  monthSlices,
  parseDayRange,
  parseLocalDate,
} from '../../api/reports/local-days.ts'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS

describe('local days', () => {
  it('reads calendar dates and refuses ones that do not exist', () => {
    expect(formatDay(parseLocalDate('2026-11-21', 'from'))).toBe('2026-11-21')
    expect(formatDay(parseLocalDate('2024-02-29', 'from'))).toBe('2024-02-29')
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-5', '20261121', '1763712000000', ''])
      expect(() => parseLocalDate(bad, 'from'), bad).toThrow(/from must be a calendar date YYYY-MM-DD/)
  })

  it('starts a local day at UTC+8 at 16:00 UTC the day before', () => {
    const d = day('2026-11-21')
    expect(new Date(dayStartMs(d, 480)).toISOString()).toBe('2026-11-20T16:00:00.000Z')
    expect(localDay(Date.parse('2026-11-20T15:59:59.999Z'), 480)).toBe(d - 1)
    expect(localDay(Date.parse('2026-11-20T16:00:00.000Z'), 480)).toBe(d)
    expect(instantRange({ fromDay: d, toDay: d }, 480)).toEqual({
      fromMs: Date.parse('2026-11-20T16:00:00.000Z'),
      toMs: Date.parse('2026-11-21T15:59:59.999Z'),
    })
  })

  it('cuts a range at month ends, and bounds its length', () => {
    expect(
      monthSlices({ fromDay: day('2026-01-30'), toDay: day('2026-03-02') }).map((s) => [
        s.month,
        formatDay(s.range.fromDay),
        formatDay(s.range.toDay),
      ]),
    ).toEqual([
      ['2026-01', '2026-01-30', '2026-01-31'],
      ['2026-02', '2026-02-01', '2026-02-28'],
      ['2026-03', '2026-03-01', '2026-03-02'],
    ])
    expect(parseDayRange({ from: '2025-01-01', to: '2026-02-04' }, DEFAULT_QUERY_BOUNDS).toDay).toBe(
      day('2026-02-04'),
    )
    expect(() => parseDayRange({ from: '2025-01-01', to: '2026-02-05' }, DEFAULT_QUERY_BOUNDS)).toThrow(
      /401 days exceeds the longest allowed, 400 days/,
    )
  })
})

describe('CSV cells', () => {
  it('quotes per RFC 4180 and disarms formulas in text, not in numbers', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)")
    expect(csvCell('+86 138')).toBe("'+86 138")
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell('@cmd')).toBe("'@cmd")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell(-1.5)).toBe('-1.5')
    expect(csvCell(null)).toBe('')
    expect(csvCell(Number.NaN)).toBe('')
    expect(toCsv([{ header: '小区', value: (r: { c: string }) => r.c }], [{ c: '河畔花园' }])).toBe(
      '\uFEFF小区\r\n河畔花园\r\n',
    )
  })
})
