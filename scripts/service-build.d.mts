// Types of service-build.mjs, for the tests and the bench that import it.
export const BUILD_DIR: string
export function serviceBuildDue(root: string): string | undefined
export function ensureServiceBuilt(root: string): string | undefined
