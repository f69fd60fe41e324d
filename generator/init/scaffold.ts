/**
 * `colloquy init`: makes a folder, empty or an existing project, ready for protocols. It adds what is
 * missing and never overwrites: an example protocol when <protocols>/ has none, the tsconfig fragment
 * (and a tsconfig.json extending it when there is none), the package scripts not already defined (and a
 * package.json when there is none). Each step is reported as a line; what it cannot do for the user
 * (an existing tsconfig.json, a CommonJS package) is a note saying what to set.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UsageError } from '../../runtime/protocol/errors/usage-error.js'
import { findProtocolFiles } from '../protocol-files.js'
import { exampleProtocol, exampleProtocolName, packageScripts, tsconfigFragment, tsconfigFragmentName } from './scaffold-files.js'

export interface ScaffoldLayout {
  readonly root: string
  readonly protocolsDir: string
  readonly outDir: string
}

/** The lines to print: `created x`, `updated x (...)`, `kept x (...)`, `note: ...`. */
export function scaffold(layout: ScaffoldLayout): string[] {
  const { root, protocolsDir, outDir } = layout
  const lines: string[] = []
  const create = (relative: string, content: string): void => {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true })
    writeFileSync(path.join(root, relative), content, { flag: 'wx' })
    lines.push(`created ${relative}`)
  }

  const example = `${protocolsDir}/${exampleProtocolName}`
  if (findProtocolFiles(root, protocolsDir).length > 0) lines.push(`kept ${protocolsDir}/ (it already has protocol files)`)
  else create(example, exampleProtocol)

  if (existsSync(path.join(root, tsconfigFragmentName))) lines.push(`kept ${tsconfigFragmentName}`)
  else create(tsconfigFragmentName, tsconfigFragment(protocolsDir, outDir))
  if (!existsSync(path.join(root, 'tsconfig.json'))) create('tsconfig.json', `${JSON.stringify({ extends: `./${tsconfigFragmentName}` }, null, 2)}\n`)
  else if (!readFileSync(path.join(root, 'tsconfig.json'), 'utf8').includes(tsconfigFragmentName)) {
    lines.push(
      `note: tsconfig.json exists, so it was kept: add "extends": "./${tsconfigFragmentName}" to it (or its options, with ${protocolsDir} and ${outDir} included).`,
    )
  }

  lines.push(...packageJson(root, packageScripts(protocolsDir, outDir)))
  lines.push(`next: npm install colloquy zod, then npm run colloquy:generate`)
  return lines
}

function packageJson(root: string, scripts: Record<string, string>): string[] {
  const file = path.join(root, 'package.json')
  if (!existsSync(file)) {
    const name =
      path
        .basename(root)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') || 'protocols'
    writeFileSync(file, `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module', scripts }, null, 2)}\n`)
    return ['created package.json']
  }
  const text = readFileSync(file, 'utf8')
  let pkg: Record<string, unknown>
  try {
    pkg = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new UsageError(`package.json is not valid JSON (${(error as Error).message}); fix it and run colloquy init again`)
  }
  const existing = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<string, string>
  const added = Object.keys(scripts).filter((key) => !(key in existing))
  const lines: string[] = []
  if (added.length > 0) {
    pkg.scripts = { ...existing, ...Object.fromEntries(added.map((key) => [key, scripts[key]!])) }
    const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  '
    writeFileSync(file, `${JSON.stringify(pkg, null, indent)}\n`)
    lines.push(`updated package.json (scripts ${added.join(', ')})`)
  } else {
    lines.push('kept package.json (its scripts are there)')
  }
  if (pkg.type !== 'module') {
    lines.push('note: package.json does not declare "type": "module", and protocol files are ES modules: add "type": "module" to package.json.')
  }
  return lines
}
