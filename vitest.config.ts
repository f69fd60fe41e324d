/**
 * Two projects: `unit` runs in-process tests (nodes on the in-memory network or loopback TCP inside the
 * test process, the generator's functions, type fixtures), `xproc` the tests that spawn processes: node
 * processes (test/xproc), and any test file that imports node:child_process itself or through a support
 * module under test/ (the colloquy CLI, tsc or git run in a throw-away project, packed installs). Found
 * by reading the imports, so a new process-spawning test lands in `xproc` without being listed here.
 * `npm test` runs both; `npm run test:unit` and `npm run test:xproc` one each.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

const root = path.dirname(fileURLToPath(import.meta.url))
const testDir = path.join(root, 'test')

/** Test files under test/, relative to the root with forward slashes. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : testFiles(full)
    return entry.name.endsWith('.test.ts') ? [path.relative(root, full).split(path.sep).join('/')] : []
  })
}

/** True when `file` imports child_process, directly or through a relative import of another file under test/. */
function spawnsProcesses(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  if (/from\s+['"](node:)?child_process['"]/.test(text)) return true
  for (const [, specifier] of text.matchAll(/from\s+['"](\.\.?\/[^'"]+)['"]/g)) {
    const target = path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts'))
    if (target.startsWith(testDir + path.sep) && existsSync(target) && spawnsProcesses(target, seen)) return true
  }
  return false
}

const spawning = ['test/xproc/**/*.test.ts', ...testFiles(testDir).filter((file) => !file.startsWith('test/xproc/') && spawnsProcesses(path.join(root, file)))]

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...spawning] } },
      { extends: true, test: { name: 'xproc', include: spawning } },
    ],
  },
})
