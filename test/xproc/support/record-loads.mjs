// Preloaded with `node --import`: records what the process loads into the file named by
// COLLOQUY_RECORD_LOADS, one URL or path per line. ES modules as the loader resolves them (a hook sees
// every import, also those a later loader such as tsx handles), CommonJS modules from require.cache at exit
// (require() bypasses ES module hooks, and a CommonJS package imported from ESM lands there too).
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'

const file = process.env.COLLOQUY_RECORD_LOADS
if (!file) throw new Error('record-loads.mjs needs COLLOQUY_RECORD_LOADS, the file to record into')
register('./record-loads-hooks.mjs', import.meta.url, { data: { file } })
process.on('exit', () => appendFileSync(file, `${Object.keys(createRequire(import.meta.url).cache).join('\n')}\n`))
