/** The codegen command line as parsed: commands, options, values, and each mistake as a usage error with its sentence. */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseArguments } from '../../../generator/cli/arguments.js'
import { UsageError } from '../../../runtime/protocol/errors/usage-error.js'

function usageError(argv: string[]): string {
  try {
    parseArguments(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).code).toBe('USAGE')
    return (error as Error).message
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`)
}

describe('codegen arguments', () => {
  it('reads a command and its options in any order, with defaults for the rest', () => {
    expect(parseArguments(['--root', 'some/where', 'check', '--format', 'json', '--against', 'HEAD~1'])).toEqual({
      command: 'check',
      watch: false,
      force: false,
      prune: false,
      format: 'json',
      root: path.resolve('some/where'),
      protocols: 'protocols',
      out: 'generated',
      runtime: undefined,
      against: 'HEAD~1',
      approve: [],
      reason: undefined,
      protocol: undefined,
    })
    expect(parseArguments(['generate', '--watch', '--out=gen', '--protocols', 'p'])).toMatchObject({
      command: 'generate',
      watch: true,
      out: 'gen',
      protocols: 'p',
    })
    expect(parseArguments(['lock', '--force', '--prune'])).toMatchObject({ command: 'lock', force: true, prune: true })
    expect(parseArguments(['versions', 'Demo'])).toMatchObject({ command: 'versions', protocol: 'Demo' })
  })

  it('lets help and version win over the command', () => {
    expect(parseArguments(['generate', '--help']).command).toBe('help')
    expect(parseArguments(['-h']).command).toBe('help')
    expect(parseArguments(['help']).command).toBe('help')
    expect(parseArguments(['--version']).command).toBe('version')
  })

  it('names each mistake', () => {
    expect(usageError([])).toBe('no command given')
    expect(usageError(['frobnicate'])).toBe("unknown command 'frobnicate'; commands are generate, check, lock, versions, init, node, identity, flows, help")
    expect(usageError(['check', 'extra'])).toBe("unexpected argument 'extra'")
    expect(usageError(['versions', 'Demo', 'Echo'])).toBe("unexpected argument 'Echo'")
    expect(usageError(['check', '--frob'])).toBe("unknown option '--frob'")
    expect(usageError(['check', '-x'])).toBe("unknown option '-x'")
    expect(usageError(['check', '--root'])).toBe('--root needs a value')
    expect(usageError(['check', '--root', '--out', 'x'])).toBe('--root needs a value')
    expect(usageError(['check', '--format', 'xml'])).toBe("--format must be text, json, github or sarif, not 'xml'")
    expect(usageError(['check', '--watch'])).toBe('--watch only applies to generate')
    expect(usageError(['generate', '--prune'])).toBe('--prune only applies to lock')
    expect(usageError(['generate', '--against', 'main'])).toBe('--against only applies to check')
  })

  it('takes github and sarif output for check only', () => {
    expect(parseArguments(['check', '--format', 'github']).format).toBe('github')
    expect(parseArguments(['check', '--format=sarif']).format).toBe('sarif')
    expect(usageError(['versions', '--format', 'sarif'])).toBe('--format sarif only applies to check')
    expect(usageError(['generate', '--format', 'github'])).toBe('--format github only applies to check')
  })

  it('takes one or more --approve fingerprints with a --reason, for check only', () => {
    expect(parseArguments(['check', '--approve', '0123456789abcdef', '--reason', 'all peers upgraded'])).toMatchObject({
      approve: ['0123456789abcdef'],
      reason: 'all peers upgraded',
    })
    expect(parseArguments(['check', '--approve=aa', '--approve', 'bb', '--reason=why']).approve).toEqual(['aa', 'bb'])
    expect(usageError(['check', '--approve', '0123456789abcdef'])).toBe('--approve needs --reason "why this break is intended"')
    expect(usageError(['check', '--approve', 'aa', '--reason', '  '])).toBe('--approve needs --reason "why this break is intended"')
    expect(usageError(['check', '--reason', 'why'])).toBe('--reason only applies with --approve <fingerprint>')
    expect(usageError(['check', '--approve'])).toBe('--approve needs a value')
    expect(usageError(['lock', '--approve', 'aa', '--reason', 'why'])).toBe('--approve and --reason only apply to check')
  })
})
