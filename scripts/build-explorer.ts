/** `npm run build:explorer [-- --force]`: builds the Explorer page into explorer/dist unless it is fresh (scripts/lib/explorer-page.ts). */
import { ensureExplorerBuilt } from './lib/explorer-page.js'

await ensureExplorerBuilt({ force: process.argv.includes('--force') })
