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
import { manifestName, readManifest } from './manifest.js'

export const exitCodes = { ok: 0, stale: 1, usage: 2, invalidProtocol: 3, internal: 4, incompatible: 5 } as const

export const helpText = `Usage: colloquy <command> [options]

Commands:
  generate            Generate typed stubs, state tables and diagrams from
                      <protocols>/**/*.protocol.ts into <out>/ (writes only what changed)
  generate --watch    Generate, then again whenever a file under <protocols>/ changes
  check               Verify that <out>/ is up to date with <protocols>/ and the generator;
                      lists each stale file and what to run. Also compares every version
                      locked in <protocols>/colloquy.lock.json with the tree: each
                      incompatible change as path:line:col: RULE: message. Remedy.
                      (locked at path:line:col)
  check --against <ref>
                      The same, with the protocols at git revision <ref> as the released
                      side instead of the lockfile
  lock                Record every declared protocol version (IR, hash, step locations)
                      in <protocols>/colloquy.lock.json: adds new versions, keeps
                      unchanged ones, refuses a locked version whose definition changed
  lock --force        Also overwrite locked versions whose definition changed
  lock --prune        Also drop locked versions no longer declared (kept otherwise)
  versions [protocol] Each protocol's versions: lock state (locked, unlocked, changed since
                      lock, removed from tree), hash, and what a node built from this tree
                      offers and accepts (every declared version; the highest is preferred)
  node --config <f>   Run a node process from a node.json (colloquy node --help for its fields)
  identity --config <f>
                      Create the node's key pair if missing; print its network-map entry
  flows [kill <id>...] --config <f>
                      List the node's unfinished flows, or end them as an operator
  help                Show this text

Options:
  --root <dir>        Project root (default: the current directory)
  --protocols <dir>   Folder holding *.protocol.ts files, relative to the root (default: protocols)
  --out <dir>         Output folder, relative to the root (default: generated)
  --runtime <module>  Module the generated code imports the runtime from
                      (default: colloquy/protocol; ./runtime/protocol/index.ts inside the colloquy repository)
  --format text|json  Output of check and versions (default: text)
  -h, --help          Show this text
  --version           Print the version

Exit codes:
  0  success
  1  generated code is stale (check)
  2  usage error
  3  a protocol is invalid or failed to load
  4  internal error
  5  a released protocol version changed or is no longer declared (check,
     check --against; lock without --force); wins over 1 when both apply
`

interface Parsed {
  command: string
  watch: boolean
  format: 'text' | 'json'
  root: string
  protocols: string
  out: string
  runtime: string | undefined
  /** lock: overwrite changed versions / drop undeclared ones. */
  force: boolean
  prune: boolean
  /** check: a git ref whose protocols are the released side. */
  against: string | undefined
  /** versions: show one protocol. */
  protocol: string | undefined
}

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  // Running a node is a runtime matter: its own module, loaded only when asked for.
  if (argv[0] === 'node' || argv[0] === 'identity' || argv[0] === 'flows') {
    const { nodeCommand } = await import('../runtime/process/node-command.js')
    return nodeCommand(argv)
  }
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
    if (args.command === 'check') return await runCheck(layout, args.format, args.against)
    if (args.command === 'lock') return await runLock(layout, { force: args.force, prune: args.prune })
    if (args.command === 'versions') return await runVersions(layout, args.format, args.protocol)
    const code = await runGenerate(layout)
    if (!args.watch) return code
    return await runWatch(layout)
  } catch (error) {
    if (error instanceof Error && (error.name === 'RevisionError' || error.name === 'UnknownProtocolError')) {
      process.stderr.write(`colloquy: ${error.message}\nRun colloquy --help for usage.\n`)
      return exitCodes.usage
    }
    if (error instanceof GeneratorError) {
      process.stderr.write(`${error.format(layout.root)}\n`)
      return exitCodes.invalidProtocol
    }
    process.stderr.write(`colloquy: internal error: ${(error as Error).stack ?? String(error)}\nPlease report it with the protocol that caused it.\n`)
    return exitCodes.internal
  }
}

function parse(argv: readonly string[]): Parsed {
  const parsed: Parsed = {
    command: '',
    watch: false,
    format: 'text',
    root: process.cwd(),
    protocols: 'protocols',
    out: 'generated',
    runtime: undefined,
    force: false,
    prune: false,
    against: undefined,
    protocol: undefined,
  }
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
      case '--force':
        parsed.force = true
        break
      case '--prune':
        parsed.prune = true
        break
      case '--against':
        parsed.against = valueOf(arg, i++)
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
        if (parsed.command === 'versions' && parsed.protocol === undefined) {
          parsed.protocol = arg
          break
        }
        if (parsed.command && parsed.command !== 'help' && parsed.command !== 'version') throw new UsageError(`unexpected argument '${arg}'`)
        if (!['generate', 'check', 'lock', 'versions', 'help'].includes(arg)) {
          throw new UsageError(`unknown command '${arg}'; commands are generate, check, lock, versions, node, identity, flows, help`)
        }
        if (!parsed.command) parsed.command = arg
    }
  }
  if (!parsed.command) throw new UsageError('no command given')
  if (parsed.watch && parsed.command !== 'generate') throw new UsageError('--watch only applies to generate')
  if ((parsed.force || parsed.prune) && parsed.command !== 'lock') throw new UsageError(`${parsed.force ? '--force' : '--prune'} only applies to lock`)
  if (parsed.against !== undefined && parsed.command !== 'check') throw new UsageError('--against only applies to check')
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
    if (pkg.name === 'colloquy') return './runtime/protocol/index.ts'
  } catch {
    // no package.json: an ordinary project
  }
  return 'colloquy/protocol'
}

/** Generated code is current (hashes only), then released versions against the tree (hashes first). */
async function runCheck(layout: ProjectLayout, format: 'text' | 'json', against: string | undefined): Promise<number> {
  const started = performance.now()
  const stale = checkGenerated(layout)
  const { checkAgainstRevision, checkLockfile } = await import('./lock/compatibility-check.js')
  const { compatibilityJson, compatibilityText } = await import('./lock/report-compatibility.js')
  const currentManifest = stale.length === 0 ? readManifest(path.join(layout.root, layout.outDir, manifestName)) : undefined
  let compat
  try {
    compat = against === undefined ? await checkLockfile(layout, currentManifest) : await checkAgainstRevision(layout, against)
  } catch (error) {
    // A protocol that fails to load is reported by the caller; the stale files found first still count.
    if (format === 'text') for (const s of stale) process.stderr.write(`${s.file}:1:1: error: ${s.file} ${s.reason}.\n`)
    throw error
  }
  const ms = Math.round(performance.now() - started)
  const code = compat.findings.length > 0 ? exitCodes.incompatible : stale.length > 0 ? exitCodes.stale : exitCodes.ok
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ok: code === exitCodes.ok, stale, ...compatibilityJson(compat), ms }, null, 2)}\n`)
    return code
  }
  const text = compatibilityText(compat)
  for (const line of text.findings) process.stderr.write(`${line}\n`)
  for (const s of stale) process.stderr.write(`${s.file}:1:1: error: ${s.file} ${s.reason}.\n`)
  for (const note of text.notes) process.stdout.write(`${note}\n`)
  if (stale.length > 0) {
    process.stderr.write(`colloquy check: ${stale.length} stale ${stale.length === 1 ? 'file' : 'files'}; run \`npx colloquy generate\` and commit ${layout.outDir}/.\n`)
  }
  if (compat.findings.length > 0) process.stderr.write(`colloquy check: ${text.summary}.\n`)
  else if (stale.length === 0) process.stdout.write(`colloquy check: ${layout.outDir}/ is up to date; ${text.summary} (${ms} ms)\n`)
  else process.stdout.write(`colloquy check: ${text.summary}\n`)
  return code
}

async function runLock(layout: ProjectLayout, options: { force: boolean; prune: boolean }): Promise<number> {
  const { runLockCommand } = await import('./lock/lock-command.js')
  const output = { out: (line: string) => process.stdout.write(`${line}\n`), err: (line: string) => process.stderr.write(`${line}\n`) }
  return (await runLockCommand(layout, options, output)) ? exitCodes.ok : exitCodes.incompatible
}

async function runVersions(layout: ProjectLayout, format: 'text' | 'json', protocol: string | undefined): Promise<number> {
  const { runVersionsCommand } = await import('./versions/versions-command.js')
  await runVersionsCommand(layout, format, protocol, (text) => process.stdout.write(text))
  return exitCodes.ok
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
