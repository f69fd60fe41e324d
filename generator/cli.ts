/**
 * The `colloquy` command line. Diagnostics go to stderr as `path:line:col: message`; exit codes are
 * distinct per outcome so builds can tell them apart.
 */
import { readFileSync, watch } from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { checkGenerated } from './check-generated.js'
import type { ProjectLayout } from './generate.js'
import { GeneratorError } from './generator-error.js'
import { generatorFingerprint } from './input-fingerprint.js'

export const exitCodes = { ok: 0, stale: 1, usage: 2, invalidProtocol: 3, internal: 4 } as const

export const helpText = `Usage: colloquy <command> [options]

Commands:
  generate            Generate typed stubs, state tables and diagrams from
                      <protocols>/**/*.protocol.ts into <out>/ (writes only what changed)
  generate --watch    Generate, then again whenever a file under <protocols>/ changes
  check               Verify that <out>/ is up to date with <protocols>/ and the generator;
                      lists each stale file and what to run
  help                Show this text

Options:
  --root <dir>        Project root (default: the current directory)
  --protocols <dir>   Folder holding *.protocol.ts files, relative to the root (default: protocols)
  --out <dir>         Output folder, relative to the root (default: generated)
  --runtime <module>  Module the generated code imports the runtime from
                      (default: colloquy; ./runtime/index.ts inside the colloquy repository)
  --format text|json  Output of check (default: text)
  -h, --help          Show this text
  --version           Print the version

Exit codes:
  0  success
  1  generated code is stale (check)
  2  usage error
  3  a protocol is invalid or failed to load
  4  internal error
`

interface Parsed {
  command: string
  watch: boolean
  format: 'text' | 'json'
  root: string
  protocols: string
  out: string
  runtime: string | undefined
}

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Parsed
  try {
    args = parse(argv)
  } catch (error) {
    process.stderr.write(`colloquy: ${(error as Error).message}\nRun colloquy --help for usage.\n`)
    return exitCodes.usage
  }
  if (args.command === 'help') {
    process.stdout.write(helpText)
    return exitCodes.ok
  }
  if (args.command === 'version') {
    process.stdout.write(`${packageVersion()}\n`)
    return exitCodes.ok
  }
  const layout = layoutOf(args)
  try {
    if (args.command === 'check') return runCheck(layout, args.format)
    const code = await runGenerate(layout)
    if (!args.watch) return code
    return await runWatch(layout)
  } catch (error) {
    if (error instanceof GeneratorError) {
      process.stderr.write(`${error.format(layout.root)}\n`)
      return exitCodes.invalidProtocol
    }
    process.stderr.write(`colloquy: internal error: ${(error as Error).stack ?? String(error)}\nPlease report it with the protocol that caused it.\n`)
    return exitCodes.internal
  }
}

function parse(argv: readonly string[]): Parsed {
  const parsed: Parsed = { command: '', watch: false, format: 'text', root: process.cwd(), protocols: 'protocols', out: 'generated', runtime: undefined }
  const valueOf = (flag: string, i: number): string => {
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`)
    return value
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    switch (arg) {
      case '-h':
      case '--help':
        parsed.command = 'help'
        break
      case '--version':
        parsed.command = 'version'
        break
      case '--watch':
        parsed.watch = true
        break
      case '--root':
        parsed.root = path.resolve(valueOf(arg, i++))
        break
      case '--protocols':
        parsed.protocols = valueOf(arg, i++)
        break
      case '--out':
        parsed.out = valueOf(arg, i++)
        break
      case '--runtime':
        parsed.runtime = valueOf(arg, i++)
        break
      case '--format': {
        const format = valueOf(arg, i++)
        if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`)
        parsed.format = format
        break
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`)
        if (parsed.command && parsed.command !== 'help' && parsed.command !== 'version') throw new UsageError(`unexpected argument '${arg}'`)
        if (!['generate', 'check', 'help'].includes(arg)) throw new UsageError(`unknown command '${arg}'; commands are generate, check, help`)
        if (!parsed.command) parsed.command = arg
    }
  }
  if (!parsed.command) throw new UsageError('no command given')
  if (parsed.watch && parsed.command !== 'generate') throw new UsageError('--watch only applies to generate')
  return parsed
}

function layoutOf(args: Parsed): ProjectLayout {
  return {
    root: args.root,
    protocolsDir: args.protocols.replace(/\/+$/, ''),
    outDir: args.out.replace(/\/+$/, ''),
    runtime: args.runtime ?? defaultRuntime(args.root),
    generatorFingerprint: generatorFingerprint(path.dirname(fileURLToPath(import.meta.url))),
  }
}

/** Inside the colloquy repository the generated code imports the runtime by path; elsewhere by package. */
function defaultRuntime(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string }
    if (pkg.name === 'colloquy') return './runtime/index.ts'
  } catch {
    // no package.json: an ordinary project
  }
  return 'colloquy'
}

function runCheck(layout: ProjectLayout, format: 'text' | 'json'): number {
  const started = performance.now()
  const stale = checkGenerated(layout)
  const ms = Math.round(performance.now() - started)
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ok: stale.length === 0, stale, ms }, null, 2)}\n`)
  } else if (stale.length === 0) {
    process.stdout.write(`colloquy check: ${layout.outDir}/ is up to date (${ms} ms)\n`)
  } else {
    for (const s of stale) process.stderr.write(`${s.file}:1:1: error: ${s.file} ${s.reason}.\n`)
    process.stderr.write(`colloquy check: ${stale.length} stale ${stale.length === 1 ? 'file' : 'files'}; run \`npx colloquy generate\` and commit ${layout.outDir}/.\n`)
  }
  return stale.length === 0 ? exitCodes.ok : exitCodes.stale
}

async function runGenerate(layout: ProjectLayout): Promise<number> {
  const started = performance.now()
  const { planGeneration, writeGeneration } = await import('./generate.js')
  const plan = await planGeneration(layout)
  const result = writeGeneration(layout, plan)
  for (const file of result.written) process.stdout.write(`wrote ${file}\n`)
  for (const file of result.removed) process.stdout.write(`removed ${file}\n`)
  const ms = Math.round(performance.now() - started)
  process.stdout.write(
    `colloquy generate: ${plan.protocolFiles.length} protocol ${plan.protocolFiles.length === 1 ? 'file' : 'files'}, ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${ms} ms)\n`,
  )
  return exitCodes.ok
}

/** Regenerates in a fresh process on every change, so edited modules are never served from a cache. */
async function runWatch(layout: ProjectLayout): Promise<number> {
  const dir = path.join(layout.root, layout.protocolsDir)
  process.stdout.write(`colloquy generate --watch: watching ${layout.protocolsDir}/ (Ctrl-C to stop)\n`)
  let timer: NodeJS.Timeout | undefined
  let running = false
  let again = false
  const bin = process.argv[1]!
  const regenerate = (): void => {
    if (running) {
      again = true
      return
    }
    running = true
    const args = [bin, 'generate', '--root', layout.root, '--protocols', layout.protocolsDir, '--out', layout.outDir, '--runtime', layout.runtime]
    spawn(process.execPath, args, { stdio: 'inherit' }).on('exit', () => {
      running = false
      if (again) {
        again = false
        regenerate()
      }
    })
  }
  watch(dir, { recursive: true }, (_event, file) => {
    if (file && !String(file).endsWith('.ts')) return
    clearTimeout(timer)
    timer = setTimeout(regenerate, 100)
  })
  return new Promise<number>((resolve) => process.once('SIGINT', () => resolve(exitCodes.ok)))
}

function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  for (const candidate of [path.join(here, '..', 'package.json'), path.join(here, '..', '..', 'package.json')]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version
    } catch {
      // try the next location
    }
  }
  return 'unknown'
}
