/**
 * The Explorer page's build (`npm run build:explorer`): Preact with TypeScript's automatic JSX runtime,
 * bundled with Mermaid into explorer/dist, which the Explorer server serves and the npm package ships.
 * Everything is bundled: the page loads nothing from another site.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Mermaid is large; its diagram types load as separate chunks when a diagram needs them.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    // Measuring gzip sizes of Mermaid's chunks costs seconds per build and is only printed.
    reportCompressedSize: false,
  },
  logLevel: 'warn',
})
