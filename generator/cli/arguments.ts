/**
 * The code generator's command line, parsed with node:util's parseArgs. Its tokens are checked one by one,
 * in order, so each mistake gets the sentence the README documents (`--root needs a value`, `unknown
 * option '--x'`) rather than the parser's own wording.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../../runtime/protocol/errors/usage-error.js'
import { findProjectRoot } from './project-root.js'

export const codegenCommands = ['generate', 'check', 'lock', 'versions', 'init'] as const
export type CodegenCommand = (typeof codegenCommands)[number]

export const outputFormats = ['text', 'json', 'github', 'sarif'] as const
export type OutputFormat = (typeof outputFormats)[number]

export interface CodegenArguments {
  readonly command: CodegenCommand | 'help' | 'version'
  readonly watch: boolean
  /** github and sarif apply to check only. */
  readonly format: OutputFormat
  readonly root: string
  readonly protocols: string
  readonly out: string
  readonly runtime: string | undefined
  /** lock: overwrite changed versions / drop undeclared ones. */
  readonly force: boolean
  readonly prune: boolean
  /** check: a git ref whose protocols are the released side. */
  readonly against: string | undefined
  /** check: fingerprints of findings to approve, with the reason recorded for them. */
  readonly approve: readonly string[]
  readonly reason: string | undefined
  /** versions: show one protocol. */
  readonly protocol: string | undefined
}

const options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  watch: { type: 'boolean' },
  force: { type: 'boolean' },
  prune: { type: 'boolean' },
  against: { type: 'string' },
  root: { type: 'string' },
  protocols: { type: 'string' },
  out: { type: 'string' },
  runtime: { type: 'string' },
  format: { type: 'string' },
  approve: { type: 'string', multiple: true },
  reason: { type: 'string' },
} as const

type StringOption = 'against' | 'root' | 'protocols' | 'out' | 'runtime' | 'format' | 'reason'

export function parseArguments(argv: readonly string[]): CodegenArguments {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true })
  let command: CodegenArguments['command'] | '' = ''
  let protocol: string | undefined
  const flags = { watch: false, force: false, prune: false }
  const values: Partial<Record<StringOption, string>> = {}
  const approve: string[] = []
  for (const token of tokens) {
    if (token.kind === 'option-terminator') throw new UsageError(`unknown option '--'`)
    if (token.kind === 'positional') {
      const arg = token.value
      if (command === 'versions' && protocol === undefined) {
        protocol = arg
        continue
      }
      if (command && command !== 'help' && command !== 'version') throw new UsageError(`unexpected argument '${arg}'`)
      if (![...codegenCommands, 'help'].includes(arg)) {
        throw new UsageError(`unknown command '${arg}'; commands are generate, check, lock, versions, init, node, identity, flows, help`)
      }
      if (!command) command = arg as CodegenCommand | 'help'
      continue
    }
    switch (token.name) {
      case 'help':
        command = 'help'
        break
      case 'version':
        command = 'version'
        break
      case 'watch':
      case 'force':
      case 'prune':
        flags[token.name] = true
        break
      case 'against':
      case 'root':
      case 'protocols':
      case 'out':
      case 'runtime':
      case 'format':
      case 'reason':
      case 'approve':
        // A value that is itself an option means the value was left out.
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new UsageError(`${token.rawName} needs a value`)
        if (token.name === 'approve') approve.push(token.value)
        else values[token.name] = token.value
        break
      default:
        throw new UsageError(`unknown option '${token.rawName}'`)
    }
  }
  const format = (values.format ?? 'text') as OutputFormat
  if (!outputFormats.includes(format)) throw new UsageError(`--format must be text, json, github or sarif, not '${format}'`)
  if (!command) throw new UsageError('no command given')
  if ((format === 'github' || format === 'sarif') && command !== 'check') throw new UsageError(`--format ${format} only applies to check`)
  if ((approve.length > 0 || values.reason !== undefined) && command !== 'check') throw new UsageError('--approve and --reason only apply to check')
  if (approve.length > 0 && !values.reason?.trim()) throw new UsageError('--approve needs --reason "why this break is intended"')
  if (approve.length === 0 && values.reason !== undefined) throw new UsageError('--reason only applies with --approve <fingerprint>')
  if (flags.watch && command !== 'generate') throw new UsageError('--watch only applies to generate')
  if ((flags.force || flags.prune) && command !== 'lock') throw new UsageError(`${flags.force ? '--force' : '--prune'} only applies to lock`)
  if (values.against !== undefined && command !== 'check') throw new UsageError('--against only applies to check')
  return {
    command,
    ...flags,
    format,
    // init makes the current folder a project; the others find the project it belongs to.
    root: values.root !== undefined ? path.resolve(values.root) : command === 'init' ? process.cwd() : findProjectRoot(process.cwd()),
    protocols: values.protocols ?? 'protocols',
    out: values.out ?? 'generated',
    runtime: values.runtime,
    against: values.against,
    approve,
    reason: values.reason,
    protocol,
  }
}
