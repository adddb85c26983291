// The web console's build: `npm run console:build` → console/dist (served at `/` by api/console-assets.ts).
// Preact's JSX through Vite's own transformer: no Babel preset needed.
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // one small app: a single chunk loads faster than a waterfall of lazy ones
    chunkSizeWarningLimit: 400,
  },
})
