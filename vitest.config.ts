/**
 * Projects. `unit` runs in-process tests (nodes on the in-memory network or loopback TCP inside the test
 * process, the generator's functions, type fixtures), `xproc` the tests that spawn processes: node
 * processes (test/xproc), and any test file that imports node:child_process itself or through a support
 * module under test/ (the colloquy CLI, tsc or git run in a throw-away project, packed installs). Found
 * by reading the imports, so a new process-spawning test lands in `xproc` without being listed here.
 *
 * The engine's suites (the test/engine files whose nodes come from test/engine/support/cluster.ts) run
 * again on each other store and network: COLLOQUY_TEST_STORE picks SQLite or PostgreSQL (a schema per
 * node, dropped), COLLOQUY_TEST_NETWORK the in-memory network, loopback TCP (a TcpNetwork per node with
 * the cluster's network map and keys) or NATS JetStream (a stream and subject prefix per cluster, deleted).
 * `unit` is SQLite on the in-memory network; `engine-pg` PostgreSQL on it; `engine-tcp` SQLite over TCP;
 * `engine-nats` SQLite over NATS; `engine-pg-nats` PostgreSQL over NATS; `engine-pg-tcp` PostgreSQL over
 * TCP: the whole matrix. Files that read or damage SQLite files themselves skip PostgreSQL (`sqliteOnly`);
 * files that need the in-memory network's faults, stepping or raw endpoints skip TCP and NATS
 * (`memoryOnly`, each with its reason). Run alone on a shared two-core machine, each added project took
 * under a minute and a half (three runs each: engine-tcp 40 to 74 s, engine-nats 39 to 83 s, engine-pg-nats
 * 29 to 72 s, engine-pg-tcp 50 to 57 s; engine-pg, for comparison, 143 s): 3 to 5 minutes one after another, so `npm test`
 * (13.5 minutes before them) stays near 18 minutes at most, well inside its 30-minute budget, and no
 * combination is left out. The store
 * port's own contract runs on both backends in test/store/store-conformance.test.ts, the transports'
 * own in test/transport and test/transport-nats. Node processes killed mid-flow run on every pair too
 * (`xproc`): test/xproc/crash.test.ts on SQLite over TCP, test/xproc/pg-crash.test.ts on PostgreSQL over
 * TCP and NATS, test/transport-nats/node-processes.test.ts on SQLite over NATS.
 *
 * `npm test` runs every project; `npm run test:unit`, `test:xproc`, `test:pg`, `test:tcp`, `test:nats`,
 * `test:pg-nats` and `test:pg-tcp` one each.
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

/** Engine tests whose nodes come from the Cluster helper, which opens the backend COLLOQUY_TEST_STORE names. */
const onCluster = testFiles(testDir).filter(
  (file) => file.startsWith('test/engine/') && /support\/cluster\.js/.test(readFileSync(path.join(root, file), 'utf8')),
)

/** Of those, the ones that also open SQLite files directly (to read rows, damage them or inject SQLite faults). */
const sqliteOnly = ['external-events', 'foreign-session', 'kept-outcomes', 'replay-drift', 'start-commit-failure', 'upgrade', 'versions-in-flight'].map(
  (name) => `test/engine/${name}.test.ts`,
)

/**
 * Of those, the ones that need the in-memory network itself (Cluster.net), so they run on it alone. Each
 * needs one of: its fault plan (drop, duplicate, reorder, delay, hold and release), manual stepping (crash
 * after every delivery), a raw endpoint attached under a party name that sends hand-made or forged
 * envelopes (TCP and NATS authenticate every sender and refuse them before the engine), reading the
 * envelopes as they pass, or the in-memory network's own roster and wording.
 */
const memoryOnly = [
  'concurrent-sessions', // manual stepping and seeded reordering
  'drain-and-kill', // holds envelopes to catch flows mid-exchange
  'exactly-once', // seeded drops, duplicates, reordering, lost acknowledgements and delays
  'flow-ownership', // holds and drops envelopes; counts the init's acknowledgement arriving after the confirm, the in-memory order
  'foreign-session', // holds Bob's answers; attaches Mallory, who replays a session key
  'held-frames-quota', // attaches Mallory, who sends hand-made frames
  'init-flood', // attaches Mallory, who floods hand-made inits
  'init-poisoning', // holds an init and replays it as Mallory
  'kill-reaches-flow', // records and holds envelopes by label
  'peer-backlog', // attaches a raw Bob endpoint that refuses deliveries; reads the inits sent
  'responder-deadline', // attaches Mallory, who starts a session and falls silent
  'responder-quota', // holds Bob's answers
  'restart-every-point', // manual stepping: a crash after each delivery
  'seed-trade', // manual stepping: a crash after each delivery
  'session-ids', // reads and holds envelopes
  'unknown-party', // the in-memory network's roster wording, declare() and a second in-memory network
  'upgrade', // holds replies across an upgrade
  'versions-in-flight', // reads and holds envelopes by version
].map((name) => `test/engine/${name}.test.ts`)

/** An engine project: the Cluster-based files, without `skip`, on the store and network `env` names. */
function engineProject(name: string, env: Record<string, string>, skip: string[]) {
  return { extends: true, test: { name, include: onCluster, exclude: [...configDefaults.exclude, ...skip], env } } as const
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...spawning] } },
      { extends: true, test: { name: 'xproc', include: spawning } },
      engineProject('engine-pg', { COLLOQUY_TEST_STORE: 'postgres' }, sqliteOnly),
      engineProject('engine-tcp', { COLLOQUY_TEST_NETWORK: 'tcp' }, memoryOnly),
      engineProject('engine-nats', { COLLOQUY_TEST_NETWORK: 'nats' }, memoryOnly),
      engineProject('engine-pg-nats', { COLLOQUY_TEST_STORE: 'postgres', COLLOQUY_TEST_NETWORK: 'nats' }, [...sqliteOnly, ...memoryOnly]),
      engineProject('engine-pg-tcp', { COLLOQUY_TEST_STORE: 'postgres', COLLOQUY_TEST_NETWORK: 'tcp' }, [...sqliteOnly, ...memoryOnly]),
    ],
  },
})
