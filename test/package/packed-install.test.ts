/**
 * The package as a user gets it: `npm pack` (prepack builds dist), the tarball installed into a fresh
 * folder, then each entry imported by Node from there. `colloquy/protocol` must load no native addon and
 * none of better-sqlite3, ts-morph, tsx or typescript: a hook records every native addon opened
 * (`process.dlopen`), every ES module resolved (a `module.register` resolve hook) and every CommonJS
 * module loaded (`require.cache`). Importing `colloquy` shows the hook does see better-sqlite3.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const heavy = ['better-sqlite3', 'ts-morph', '@ts-morph/common', 'tsx', 'typescript']

/** Preloaded with --import: records what the process loads and prints it as JSON when it exits. */
const recorder = `
import { createRequire, register } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
const log = new URL('./resolved.log', import.meta.url)
writeFileSync(log, '')
const native = []
const dlopen = process.dlopen
process.dlopen = function (module, filename, ...rest) {
  native.push(filename)
  return dlopen.call(this, module, filename, ...rest)
}
register('./resolve-hook.mjs', { parentURL: import.meta.url, data: { log: log.href } })
const cache = createRequire(import.meta.url).cache
process.on('exit', () => {
  const resolved = readFileSync(log, 'utf8').split('\\n').filter(Boolean)
  process.stdout.write('\\n' + JSON.stringify({ native, resolved, required: Object.keys(cache) }) + '\\n')
})
`

/** Runs on the loader thread; appends synchronously, so the record is complete when the import settles. */
const resolveHook = `
import { appendFileSync } from 'node:fs'
let log
export function initialize(data) { log = new URL(data.log) }
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  appendFileSync(log, result.url + '\\n')
  return result
}
`

interface Loaded {
  readonly native: readonly string[]
  readonly resolved: readonly string[]
  readonly required: readonly string[]
}

describe('the packed package, installed', () => {
  let work: string
  let app: string

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'colloquy-pack-'))
    execFileSync('npm', ['pack', '--pack-destination', work], { cwd: repoRoot, stdio: 'pipe' })
    const tarball = path.join(work, readdirSync(work).find((name) => name.endsWith('.tgz'))!)
    app = path.join(work, 'app')
    mkdirSync(app)
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'packed-install-check', private: true, type: 'module' }))
    // Install scripts are skipped: better-sqlite3 would compile its addon for minutes. Its JavaScript loads
    // the addon only when a database is opened; the repository's build is copied in for completeness.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app, stdio: 'pipe' })
    const addon = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    if (existsSync(path.join(repoRoot, addon))) {
      mkdirSync(path.dirname(path.join(app, addon)), { recursive: true })
      copyFileSync(path.join(repoRoot, addon), path.join(app, addon))
    }
    writeFileSync(path.join(app, 'record-loads.mjs'), recorder)
    writeFileSync(path.join(app, 'resolve-hook.mjs'), resolveHook)
  }, 600_000) // prepack builds dist and the Explorer page (Vite bundling Mermaid takes minutes on a busy machine)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  function importEntry(code: string): Loaded & { readonly status: number | null; readonly stderr: string } {
    const run = spawnSync(process.execPath, ['--import', './record-loads.mjs', '-e', code], { cwd: app, encoding: 'utf8', timeout: 60_000 })
    const last = run.stdout.trim().split('\n').at(-1) ?? '{}'
    return { status: run.status, stderr: run.stderr, ...(JSON.parse(last) as Loaded) }
  }

  /** Code for `node -e`: imports an entry and fails, naming them, when the given functions are not exported. */
  const importing = (specifier: string, names: readonly string[]): string =>
    `import('${specifier}').then((m) => { const missing = ${JSON.stringify(names)}.filter((n) => typeof m[n] !== 'function'); ` +
    `if (missing.length > 0) { console.error('${specifier} does not export ' + missing.join(', ')); process.exit(3) } })`

  const heavyIn = (loaded: Loaded): string[] =>
    [...loaded.resolved, ...loaded.required].filter((file) => heavy.some((name) => file.includes(`/node_modules/${name}/`)))

  it('ships the entries with their type declarations, and nothing of the sources', () => {
    const installed = path.join(app, 'node_modules', 'colloquy')
    for (const entry of ['index', 'protocol', 'testing', 'client']) {
      expect(existsSync(path.join(installed, 'dist', `${entry}.js`))).toBe(true)
      expect(existsSync(path.join(installed, 'dist', `${entry}.d.ts`))).toBe(true)
    }
    expect(existsSync(path.join(installed, 'LICENSE'))).toBe(true)
    expect(existsSync(path.join(installed, 'runtime'))).toBe(false)
    expect(existsSync(path.join(installed, 'generator'))).toBe(false)
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    expect(Object.keys(manifest.exports).sort()).toEqual(['.', './client', './package.json', './protocol', './testing'])
    // The Explorer's page, built by prepack, ships with the package.
    expect(existsSync(path.join(installed, 'explorer', 'dist', 'index.html'))).toBe(true)
  })

  it('node -e "import(\'colloquy/protocol\')" loads no native module and none of better-sqlite3, ts-morph, tsx, typescript', () => {
    const loaded = importEntry(importing('colloquy/protocol', ['protocol', 'protocolFamily']))
    expect(loaded.stderr).toBe('')
    expect(loaded.status).toBe(0)
    expect(loaded.resolved.some((url) => url.includes('/node_modules/colloquy/dist/protocol.js'))).toBe(true)
    expect(loaded.native).toEqual([])
    expect(heavyIn(loaded)).toEqual([])
  })

  it('node -e "import(\'colloquy/client\')" loads no native module and none of better-sqlite3, ts-morph, tsx, typescript', () => {
    const loaded = importEntry(importing('colloquy/client', ['connect', 'RpcPermissionError']))
    expect(loaded.stderr).toBe('')
    expect(loaded.status).toBe(0)
    expect(loaded.resolved.some((url) => url.includes('/node_modules/colloquy/dist/client.js'))).toBe(true)
    expect(loaded.native).toEqual([])
    expect(heavyIn(loaded)).toEqual([])
  })

  it("import('colloquy') works, and the recorder sees the store's better-sqlite3 it loads", () => {
    const loaded = importEntry(importing('colloquy', ['createNode', 'TcpNetwork', 'InMemoryNetwork', 'protocol']))
    expect(loaded.stderr).toBe('')
    expect(loaded.status).toBe(0)
    expect(heavyIn(loaded).some((file) => file.includes('/node_modules/better-sqlite3/'))).toBe(true)
  })

  it("import('colloquy/testing') works", () => {
    const loaded = importEntry(
      "import('colloquy/testing').then((m) => { if (typeof m.InMemoryNetwork !== 'function' || typeof m.testSession !== 'function') process.exit(3) })",
    )
    expect(loaded.stderr).toBe('')
    expect(loaded.status).toBe(0)
  })

  it('colloquy generate runs from the installed bin and emits modules importing colloquy/protocol', () => {
    const source = readFileSync(path.join(repoRoot, 'protocols', 'echo.protocol.ts'), 'utf8').replace(
      /from '[./]+runtime\/protocol\/index\.js'/,
      "from 'colloquy/protocol'",
    )
    mkdirSync(path.join(app, 'protocols'), { recursive: true })
    writeFileSync(path.join(app, 'protocols', 'echo.protocol.ts'), source)
    const run = spawnSync(process.execPath, [path.join('node_modules', 'colloquy', 'bin', 'colloquy.js'), 'generate'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(readFileSync(path.join(app, 'generated', 'echo.ts'), 'utf8')).toContain("from 'colloquy/protocol'")
  })

  it('the generated module type-checks against the installed declarations', () => {
    // Runs after the generate test above (tests of a file run in order).
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        include: ['protocols', 'generated'],
      }),
    )
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', timeout: 120_000 })
    expect(run.stdout + run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  /** The installed bin run with the load recorder: its output lines and what it loaded (the last line). */
  const recordedBin = (...args: string[]): { lines: string[]; loaded: Loaded } => {
    const run = spawnSync(process.execPath, ['--import', './record-loads.mjs', path.join('node_modules', 'colloquy', 'bin', 'colloquy.js'), ...args], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split('\n')
    return { lines, loaded: JSON.parse(lines.at(-1)!) as Loaded }
  }

  it('colloquy check with nothing changed is answered by the installed no-op check, without tsx, ts-morph or typescript', () => {
    // Runs after the generate test above.
    const { lines, loaded } = recordedBin('check')
    expect(lines.join('\n')).toContain('colloquy check: generated/ is up to date')
    expect(loaded.resolved.some((url) => url.endsWith('/node_modules/colloquy/dist/no-op-check.js'))).toBe(true)
    expect(heavyIn(loaded)).toEqual([])
  })

  it('colloquy node runs from the installed bin without ts-morph, tsx or typescript', () => {
    const { lines, loaded } = recordedBin('node', '--help')
    expect(lines.join('\n')).toContain('colloquy node --config')
    expect(heavyIn(loaded).filter((file) => !file.includes('/node_modules/better-sqlite3/'))).toEqual([])
  })

  it('the installed ExplorerServer serves the page the package ships', () => {
    const code = [
      "import { ExplorerServer } from 'colloquy'",
      "const server = await ExplorerServer.start({ rpc: { url: 'ws://127.0.0.1:9' }, listen: { host: '127.0.0.1', port: 0 } })",
      'const page = await fetch(server.url)',
      'console.log(page.status, (await page.text()).includes(\'<div id="app">\'))',
      'await server.close()',
    ].join('\n')
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8', timeout: 60_000 })
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('200 true')
  })

  it('internals are not exported', () => {
    const run = spawnSync(process.execPath, ['-e', "import('colloquy/dist/index.js').catch((e) => { console.log(e.code); process.exit(0) })"], {
      cwd: app,
      encoding: 'utf8',
    })
    expect(run.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
  })
})
