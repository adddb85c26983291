// No module state: parts are to run as several nodes, so no part keeps mutable state at module top level.
// State belongs to the objects a part's start function creates and passes around. This scans every source
// file of the parts with the TypeScript compiler (names are resolved, so comments, strings and shadowing
// locals do not fool it) and lists each top-level `let`/`var`, and each top-level `const` holding a Map,
// Set, array, object literal or `new` instance that the same module mutates anywhere.
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { sourceFiles } from './source-files.ts'

const ROOT = resolve(import.meta.dirname, '../..')
// bench/, eval/ and scripts/ are one-shot tools and harnesses run as a single process on a developer's
// machine, never as a node of the service; simulators/ and console/ are parts (the demo runs the
// simulators in the service's process) and are scanned.
const SKIP = new Set(['node_modules', 'test', 'data', 'dist', '.build', 'bench', 'eval', 'scripts'])

/** Top-level state kept on purpose: `file name` → why it need not belong to a part's start function. */
const ALLOWED = new Map<string, string>([
  // memos of pure functions keyed by the settings object (WeakMap): same answer on every node, freed with
  // their key; the rules call them on the hot path
  ['alerts/settings.ts completed', 'memo of catalogueSettings(settings), pure, per settings object'],
  ['alerts/settings.ts detectorParams', 'memo of strayWireParams(c), pure, per settings object'],
  // the web page's entry point runs once per browser tab, never as a node: the page is its own process
  ['console/src/main.tsx credentials', "the browser tab's kiosk token"],
  ['console/src/main.tsx running', "the browser tab's signed-in shell"],
])

const MUTATORS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
])

/** Calls that hand out what a container holds (so a write into their result writes into it). */
const READS = new Set(['get', 'at'])

interface StateFinding {
  file: string
  line: number
  name: string
  why: string
}

/** `(x as T)`, `x satisfies T`, `x!`, `Object.freeze(x)` → x: what the binding really holds. */
function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isSatisfiesExpression(e) ||
      ts.isNonNullExpression(e) ||
      ts.isTypeAssertionExpression(e)
    )
      e = e.expression
    else if (
      ts.isCallExpression(e) &&
      e.arguments.length === 1 &&
      ts.isPropertyAccessExpression(e.expression) &&
      ts.isIdentifier(e.expression.expression) &&
      e.expression.expression.text === 'Object' &&
      e.expression.name.text === 'freeze'
    )
      e = e.arguments[0]!
    else return e
  }
}

/** A value whose contents can change: a literal array or object, or a `new` instance (Map, Set, a class…). */
const holdsContainer = (init: ts.Expression | undefined) => {
  if (!init) return false
  const e = unwrap(init)
  return ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e) || ts.isNewExpression(e)
}

/** The identifier a property chain starts from: `a.b[c].d` → `a`, `a.get(k)!.d` → `a`. */
function rootOf(e: ts.Expression): ts.Identifier | undefined {
  for (;;) {
    e = unwrap(e)
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression
    else if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      READS.has(e.expression.name.text)
    )
      e = e.expression.expression
    else return ts.isIdentifier(e) ? e : undefined
  }
}

const isMember = (e: ts.Expression) => {
  const u = unwrap(e)
  return ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u)
}

/** Expressions a statement writes into: assignment targets (destructuring included), `++`, `delete`. */
function writtenMembers(node: ts.Node): ts.Expression[] {
  const targets = (e: ts.Expression): ts.Expression[] => {
    const u = unwrap(e)
    if (ts.isArrayLiteralExpression(u)) return u.elements.flatMap((x) => targets(x))
    if (ts.isObjectLiteralExpression(u))
      return u.properties.flatMap((p) =>
        ts.isPropertyAssignment(p)
          ? targets(p.initializer)
          : ts.isSpreadAssignment(p)
            ? targets(p.expression)
            : [],
      )
    if (ts.isSpreadElement(u)) return targets(u.expression)
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.EqualsToken) return targets(u.left)
    return isMember(u) ? [u] : []
  }
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  )
    return targets(node.left)
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  )
    return isMember(node.operand) ? [node.operand] : []
  if (ts.isDeleteExpression(node)) return [node.expression]
  if (
    (ts.isForOfStatement(node) || ts.isForInStatement(node)) &&
    !ts.isVariableDeclarationList(node.initializer)
  )
    return targets(node.initializer)
  return []
}

/** `x.set(…)`, `x.a.push(…)`, `Object.assign(x, …)`: the expression whose contents the call changes. */
function calledOn(node: ts.Node): ts.Expression | undefined {
  if (!ts.isCallExpression(node)) return undefined
  const callee = unwrap(node.expression)
  if (!ts.isPropertyAccessExpression(callee)) return undefined
  const owner = callee.expression
  if (
    ts.isIdentifier(owner) &&
    owner.text === 'Object' &&
    ['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf'].includes(callee.name.text)
  )
    return node.arguments[0]
  return MUTATORS.has(callee.name.text) ? owner : undefined
}

/** Every piece of module state in the given sources (paths → text), by the rules at the top of this file. */
function findModuleState(files: Map<string, string>): StateFinding[] {
  const host = ts.createCompilerHost({})
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, allowJs: true, types: [], noEmit: true }
  const parsed = new Map<string, ts.SourceFile>()
  for (const [path, text] of files) {
    const kind = path.endsWith('.tsx')
      ? ts.ScriptKind.TSX
      : path.endsWith('.mjs')
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS
    parsed.set(path, ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, kind))
  }
  const program = ts.createProgram({
    rootNames: [...files.keys()],
    options,
    host: { ...host, getSourceFile: (path) => parsed.get(path), fileExists: (path) => parsed.has(path) },
  })
  const checker = program.getTypeChecker()
  const out: StateFinding[] = []
  for (const [path, sf] of parsed) {
    const report = (decl: ts.Node, name: string, why: string) =>
      out.push({ file: path, line: sf.getLineAndCharacterOfPosition(decl.getStart(sf)).line + 1, name, why })
    const watched = new Map<ts.Symbol, ts.VariableDeclaration>()
    for (const stmt of sf.statements) {
      // `declare let x` only describes a binding made elsewhere
      if (
        !ts.isVariableStatement(stmt) ||
        ts.getCombinedModifierFlags(stmt.declarationList.declarations[0]!) & ts.ModifierFlags.Ambient
      )
        continue
      const list = stmt.declarationList
      const isConst = (list.flags & ts.NodeFlags.Const) !== 0
      for (const decl of list.declarations) {
        if (!isConst) {
          for (const id of boundNames(decl.name))
            report(decl, id.text, list.flags & ts.NodeFlags.Let ? 'let' : 'var')
        } else if (ts.isIdentifier(decl.name) && holdsContainer(decl.initializer)) {
          const symbol = checker.getSymbolAtLocation(decl.name)
          if (symbol) watched.set(symbol, decl)
        }
      }
    }
    if (watched.size === 0) continue
    const mutated = new Set<ts.VariableDeclaration>()
    const visit = (node: ts.Node): void => {
      const changed = [...writtenMembers(node), calledOn(node)]
      for (const e of changed) {
        const root = e && rootOf(e)
        const symbol = root && checker.getSymbolAtLocation(root)
        const decl = symbol && watched.get(symbol)
        if (decl) mutated.add(decl)
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
    for (const decl of mutated) report(decl, (decl.name as ts.Identifier).text, 'const, mutated')
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
}

function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name]
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundNames(el.name)))
}

const key = (f: StateFinding) => `${f.file} ${f.name}`

describe('no module state', () => {
  const files = new Map(
    sourceFiles(ROOT, SKIP)
      .filter((path) => dirname(path) !== ROOT)
      .map((path) => [relative(ROOT, path), readFileSync(path, 'utf8')]),
  )
  const found = findModuleState(files)

  it('keeps no mutable state at the top level of any part', () => {
    const offending = found.filter((f) => !ALLOWED.has(key(f)))
    expect(offending.map((f) => `${f.file}:${f.line} ${f.name} (${f.why})`)).toEqual([])
  })

  it('allows only what is still there (a stale entry hides the next one)', () => {
    const present = new Set(found.map(key))
    expect([...ALLOWED.keys()].filter((k) => !present.has(k))).toEqual([])
  })

  it('scans the parts (a broken walk would pass the test above vacuously)', () => {
    expect(files.has('alerts/stray-wire-detector.ts')).toBe(true)
    expect(files.size).toBeGreaterThan(200)
  })

  it('finds a top-level let and a mutated Map, and leaves frozen tables and unmutated constants alone', () => {
    const text = `
      // let hidden = 1 (a comment is not code)
      const note = 'let inString = 2'
      let counter = 0
      export var legacy: string | undefined
      const cache = new Map<string, number>()
      const seen = new Set<string>()
      const byId: Record<string, number> = {}
      const queue: number[] = []
      const nested = { list: [] as number[] }
      const TABLE = Object.freeze({ a: 1, b: 2 })
      const KINDS = ['x', 'y'] as const
      const lookup = new Map([['a', 1]])
      const shadowed = new Map<string, number>()
      const groups = new Map([['a', [] as number[]]])
      export function remember(id: string, n: number) {
        counter++
        cache.set(id, n)
        byId[id] = n
        nested.list.push(n)
        ;(queue as number[]).length = 0
        const shadowed = new Map<string, number>()
        shadowed.set(id, n)
        groups.get('a')!.push(n)
        return TABLE.a + KINDS.length + (lookup.get(id) ?? 0) + note.length + (seen.has(id) ? 1 : 0)
      }
      declare let ambient: number
    `
    const hits = findModuleState(new Map([['x/sample.ts', text]])).map((f) => `${f.line} ${f.name}`)
    expect(hits).toEqual(['4 counter', '5 legacy', '6 cache', '8 byId', '9 queue', '10 nested', '15 groups'])
  })
})
