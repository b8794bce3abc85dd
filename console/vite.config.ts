/**
 * The web console's build: `vite build console` (package.json's build script) writes it to
 * dist/console, which ships in the package and which the API server serves at /ui. Preact's JSX
 * through esbuild's automatic runtime, so no framework plugin is needed.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // The server's Content-Security-Policy allows scripts from 'self' only: no inline polyfill.
    modulePreload: { polyfill: false },
    // Every browser this targets reads ES modules; no legacy chunk.
    target: 'es2022',
    reportCompressedSize: true,
  },
});
