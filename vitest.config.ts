/**
 * Two projects: `unit` runs in-process tests (nodes on the in-memory network or loopback TCP inside the
 * test process, the generator's functions, type fixtures), `xproc` the tests that spawn processes: node
 * processes (test/xproc), the colloquy CLI, tsc and git in a throw-away project (test/generator, except
 * the compatibility rules in test/generator/compat), and the packed-install checks (test/package).
 * `npm test` runs both; `npm run test:unit` and `npm run test:xproc` one each.
 */
import { configDefaults, defineConfig } from 'vitest/config'

/** Test files that start child processes; a new one belongs here (grep for child_process). */
const spawning = [
  'test/xproc/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/generator/against.test.ts',
  'test/generator/cli.test.ts',
  'test/generator/generator-fingerprint.test.ts',
  'test/generator/lock-every-step.test.ts',
  'test/generator/lock.test.ts',
  'test/generator/output-paths.test.ts',
  'test/generator/repository.test.ts',
  'test/generator/versions.test.ts',
]

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
