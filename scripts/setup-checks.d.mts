// Types of setup-checks.mjs, for the tests that import it.
export function dependenciesStale(lockText: string, installedText: string | undefined): string | undefined
export function findOnPath(names: string[], pathVar: string | undefined): string | undefined
export function missingPackages(opts: {
  command: 'demo' | 'test'
  root: string
  env: Record<string, string | undefined>
  needInstall: boolean
  /** where fonts are installed (default /usr/share/fonts) */
  fontsDir?: string
}): string[]
export function consoleBuildDue(root: string): boolean
export function packageScripts(root: string): Record<string, string>
