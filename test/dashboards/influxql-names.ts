// A small InfluxQL reader for the tests: which measurements, tags and fields a query names, in which role,
// checked against domain/storage.ts. It covers the grammar the dashboards use (SELECT … FROM … WHERE …
// GROUP BY … fill() ORDER BY … LIMIT, FROM (subquery), (subquery), and SHOW TAG VALUES [FROM …] WITH KEY =
// … [WHERE …]) and rejects what it does not understand, including unquoted identifiers, rather than
// letting them through.
import {
  FIELDS_BY_MEASUREMENT,
  MEASUREMENT,
  type Measurement,
  TAGS_BY_MEASUREMENT,
} from '../../domain/storage.ts'

type Token =
  | { t: 'ident'; v: string }
  | { t: 'string' | 'regex' | 'number' | 'var' | 'word' | 'punct'; v: string }

const PATTERNS: [Exclude<Token['t'], 'ident' | 'string' | 'regex'>, RegExp][] = [
  // `$site`, `$__interval`, or `${__from}ms` (Grafana's range end in ms, as an InfluxQL duration literal)
  ['var', /^(\$\{[A-Za-z_][A-Za-z0-9_]*\}(ms)?|\$[A-Za-z_][A-Za-z0-9_]*)/],
  ['number', /^-?\d+(\.\d+)?[a-zµ]*/],
  ['word', /^[A-Za-z_][A-Za-z0-9_]*/],
  ['punct', /^(=~|!~|<>|!=|>=|<=|[=<>(),*+-])/],
]

export function tokenize(q: string): Token[] {
  const out: Token[] = []
  let i = 0
  const quoted = (end: string): string => {
    let v = ''
    i++
    while (i < q.length && q[i] !== end) {
      if (q[i] === '\\') i++
      v += q[i]
      i++
    }
    if (i >= q.length) throw new Error(`unterminated ${end} in ${q}`)
    i++
    return v
  }
  while (i < q.length) {
    const c = q[i]!
    if (/\s/.test(c)) i++
    else if (c === '"') out.push({ t: 'ident', v: quoted('"') })
    else if (c === "'") out.push({ t: 'string', v: quoted("'") })
    else if (c === '/' && ['=~', '!~'].includes(out.at(-1)?.v ?? '')) out.push({ t: 'regex', v: quoted('/') })
    else {
      const rest = q.slice(i)
      const hit = PATTERNS.map(([t, re]) => ({ t, m: rest.match(re) })).find((p) => p.m !== null)
      if (!hit?.m) throw new Error(`unexpected ${JSON.stringify(c)} in ${q}`)
      out.push({ t: hit.t, v: hit.m[0] })
      i += hit.m[0].length
    }
  }
  return out
}

const KEYWORDS = new Set(
  [
    'select',
    'from',
    'where',
    'and',
    'or',
    'group',
    'by',
    'time',
    'fill',
    'none',
    'null',
    'previous',
    'linear',
  ].concat(['order', 'desc', 'asc', 'limit', 'as', 'true', 'false', 'show', 'tag', 'values', 'with', 'key']),
)
const FUNCTIONS = new Set([
  'mean',
  'median',
  'max',
  'min',
  'last',
  'first',
  'sum',
  'count',
  'spread',
  'distinct',
  'integral',
  'non_negative_difference',
])

export interface NameUse {
  role: 'measurement' | 'tag' | 'field' | 'tag-or-field'
  name: string
}

/** The names a query uses, by role; throws on what it cannot place. */
export function namesUsed(q: string): NameUse[] {
  return namesIn(tokenize(q), q)
}

function namesIn(tokens: Token[], q: string): NameUse[] {
  const uses: NameUse[] = []
  const word = (k: number) => (tokens[k]?.t === 'word' ? tokens[k].v.toLowerCase() : undefined)
  const first = word(0)
  if (first === 'show') {
    // SHOW TAG VALUES [FROM "m"] WITH KEY = "k" [WHERE tag conditions]
    let k = 3
    if (word(k) === 'from') {
      uses.push({ role: 'measurement', name: identAt(tokens, k + 1, q) })
      k += 2
    }
    if (word(k) !== 'with' || word(k + 1) !== 'key' || tokens[k + 2]?.v !== '=')
      throw new Error(`bad SHOW: ${q}`)
    uses.push({ role: 'tag', name: identAt(tokens, k + 3, q) })
    for (const tok of tokens.slice(k + 4)) checkOther(tok, q, () => uses.push({ role: 'tag', name: tok.v }))
    return uses
  }
  if (first !== 'select') throw new Error(`not a SELECT or SHOW TAG VALUES: ${q}`)
  // the columns the subqueries name with AS: the outer query may read them (they are not stored names)
  const subqueryColumns = subqueryAliases(tokens, q)
  let clause: 'select' | 'from' | 'where' | 'group' | 'tail' = 'select'
  let depth = 0
  let fnDepth = 0
  for (let k = 1; k < tokens.length; k++) {
    const tok = tokens[k]!
    const w = word(k)
    if (w === 'from' && depth === 0) clause = 'from'
    else if (w === 'where' && depth === 0) clause = 'where'
    else if (w === 'group' && depth === 0) clause = 'group'
    else if ((w === 'fill' || w === 'order' || w === 'limit') && depth === 0) clause = 'tail'
    if (clause === 'from' && tok.v === '(' && word(k + 1) === 'select') {
      // a subquery: its own names; the outer query then names its output columns and tags
      const end = closingParen(tokens, k, q)
      uses.push(...namesIn(tokens.slice(k + 1, end), q))
      k = end
      continue
    }
    if (tok.v === '(') {
      depth++
      if (tokens[k - 1]?.t === 'word' && FUNCTIONS.has(tokens[k - 1]!.v.toLowerCase())) fnDepth = depth
    } else if (tok.v === ')') {
      if (depth === fnDepth) fnDepth = 0
      depth--
    }
    if (tok.t !== 'ident') {
      checkOther(tok, q, () => {})
      continue
    }
    // an alias names an output column, not stored data
    if (word(k - 1) === 'as') continue
    if ((clause === 'select' || clause === 'where') && subqueryColumns.has(tok.v)) continue
    switch (clause) {
      case 'from':
        uses.push({ role: 'measurement', name: tok.v })
        break
      case 'select':
        uses.push({ role: fnDepth > 0 ? 'field' : 'tag-or-field', name: tok.v })
        break
      case 'where':
        // a tag compared with a regex, or either compared with a literal
        uses.push({
          role: tokens[k + 1]?.v === '=~' || tokens[k + 1]?.v === '!~' ? 'tag' : 'tag-or-field',
          name: tok.v,
        })
        break
      case 'group':
        uses.push({ role: 'tag', name: tok.v })
        break
      case 'tail':
        throw new Error(`identifier ${tok.v} after GROUP BY: ${q}`)
    }
  }
  return uses
}

/** The names given with AS inside the subqueries of a query's own FROM. */
function subqueryAliases(tokens: Token[], q: string): Set<string> {
  const out = new Set<string>()
  let depth = 0
  let inFrom = false
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!
    const w = tok.t === 'word' ? tok.v.toLowerCase() : undefined
    if (depth === 0 && w !== undefined && ['from', 'where', 'group'].includes(w)) inFrom = w === 'from'
    if (tok.v === '(' && tok.t === 'punct') {
      const next = tokens[k + 1]
      if (inFrom && depth === 0 && next?.t === 'word' && next.v.toLowerCase() === 'select') {
        const end = closingParen(tokens, k, q)
        for (let j = k + 1; j < end; j++)
          if (
            tokens[j]!.t === 'ident' &&
            tokens[j - 1]?.t === 'word' &&
            tokens[j - 1]!.v.toLowerCase() === 'as'
          )
            out.add(tokens[j]!.v)
        k = end
        continue
      }
      depth++
    } else if (tok.v === ')' && tok.t === 'punct') depth--
  }
  return out
}

function closingParen(tokens: Token[], open: number, q: string): number {
  let depth = 0
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]!.v === '(' && tokens[k]!.t === 'punct') depth++
    else if (tokens[k]!.v === ')' && tokens[k]!.t === 'punct' && --depth === 0) return k
  }
  throw new Error(`unclosed subquery: ${q}`)
}

function identAt(tokens: Token[], k: number, q: string): string {
  const tok = tokens[k]
  if (tok?.t !== 'ident') throw new Error(`expected a quoted identifier at token ${k}: ${q}`)
  return tok.v
}

function checkOther(tok: Token, q: string, onIdent: () => void): void {
  if (tok.t === 'ident') onIdent()
  else if (tok.t === 'word' && !KEYWORDS.has(tok.v.toLowerCase()) && !FUNCTIONS.has(tok.v.toLowerCase()))
    throw new Error(`unquoted identifier or unknown keyword ${tok.v}: ${q}`)
}

const MEASUREMENTS = new Set<string>(Object.values(MEASUREMENT))

/** What is wrong with a query's names against domain/storage.ts (empty: nothing). */
export function schemaViolations(q: string): string[] {
  const uses = namesUsed(q)
  const measurements = uses.filter((u) => u.role === 'measurement').map((u) => u.name)
  const bad: string[] = []
  for (const m of measurements) if (!MEASUREMENTS.has(m)) bad.push(`unknown measurement ${m}`)
  // SHOW TAG VALUES without FROM spans every measurement
  const scope = (measurements.length > 0 ? measurements : [...MEASUREMENTS]).filter((m) =>
    MEASUREMENTS.has(m),
  )
  const tagsOf = (m: string) => TAGS_BY_MEASUREMENT[m as Measurement] as readonly string[]
  const fieldsOf = (m: string) => FIELDS_BY_MEASUREMENT[m as Measurement].map((f) => f.path)
  for (const u of uses) {
    if (u.role === 'measurement') continue
    const ok = (m: string) =>
      (u.role !== 'field' && tagsOf(m).includes(u.name)) || (u.role !== 'tag' && fieldsOf(m).includes(u.name))
    const holds = measurements.length > 0 ? scope.every(ok) : scope.some(ok)
    if (!holds) bad.push(`${u.role} ${u.name} not in ${scope.join(', ')}`)
  }
  if (first(q) === 'select' && measurements.length === 0) bad.push('no FROM')
  return bad
}

const first = (q: string) => q.trim().split(/\s+/)[0]?.toLowerCase()
