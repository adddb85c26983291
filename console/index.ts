// The console part's public face for Node (service, tests, bench): where the build is and how to make
// it. The browser sources live in console/src and are built by Vite (console/vite.config.ts).
export { CONSOLE_DIST, consoleIsStale, ensureConsoleBuilt } from './build.ts'
