/**
 * Every package declared in package.json is used: imported by the sources, tests, benchmarks or config
 * files, run by an npm script through its bin, or (for @types/x) the types of a package that is used.
 * The reverse, every imported package declared, is the circle and layer check's `declared-packages-only`.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const folders = ['runtime', 'generator', 'bin', 'scripts', 'test', 'bench', 'examples', 'protocols', 'generated', 'explorer']
const skipped = new Set(['node_modules', 'dist', 'work', 'fixtures'])

interface Manifest {
  readonly scripts: Record<string, string>
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : sources(full)
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [full] : []
  })
}

function binsOf(name: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> }
  if (typeof manifest.bin === 'string') return [name.split('/').at(-1)!]
  return Object.keys(manifest.bin ?? {})
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

describe('declared dependencies', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest
  const configFiles = readdirSync(root).filter((name) => /\.(ts|js|mjs|cjs)$/.test(name) || name.startsWith('.dependency-cruiser'))
  const code = [...folders.flatMap((folder) => sources(path.join(root, folder))), ...configFiles.map((name) => path.join(root, name))]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n')
  const scripts = Object.values(manifest.scripts).join('\n')

  const imported = (name: string): boolean =>
    new RegExp(`(from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+|\\)\\s*\\(\\s*)['"]${escapeRegExp(name)}(/[^'"]*)?['"]`).test(code)
  const runByScript = (name: string): boolean => binsOf(name).some((bin) => new RegExp(`(^|[\\s&|;(])${escapeRegExp(bin)}(\\s|$)`, 'm').test(scripts))
  const used = (name: string): boolean => {
    if (name === '@types/node') return true
    if (name.startsWith('@types/')) return used(name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2'))
    return imported(name) || runByScript(name)
  }

  it('has none that nothing uses', () => {
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies })
    expect(declared.length).toBeGreaterThan(0)
    expect(declared.filter((name) => !used(name))).toEqual([])
  })
})
