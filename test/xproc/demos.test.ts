/**
 * The README's demos, run as a user runs them: `npm run demo` (two embedded nodes, the buyer killed
 * mid-trade) and `npm run demo:cluster` (the seller as three worker processes on PostgreSQL, both nodes
 * over NATS, the owning worker killed mid-trade) each exit by themselves with status 0, every check in
 * their summary "ok" and none "FAIL". (The generate step of the npm scripts is the generator's own tests'.)
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

function run(script: string): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } })
  return { status: result.status, out: `${result.stdout}\n${result.stderr}` }
}

function checks(out: string): { ok: string[]; failed: string[] } {
  const lines = out.split('\n').map((line) => line.trim())
  return { ok: lines.filter((line) => line.startsWith('ok ')), failed: lines.filter((line) => /^(FAIL|fail|not ok)\b/.test(line)) }
}

describe('the demos', () => {
  it('npm run demo: the trade completes once with the buyer killed mid-trade, and the demo exits', () => {
    const { status, out } = run('scripts/demo.ts')
    expect(status, out).toBe(0)
    const { ok, failed } = checks(out)
    expect(failed, out).toEqual([])
    expect(ok.length, out).toBeGreaterThanOrEqual(8)
    expect(out).toMatch(/ok\s+the buyer was killed mid-trade and resumed it/)
  }, 150_000)

  it('npm run demo:cluster: the trade completes once on a surviving worker after the owner is killed', () => {
    const { status, out } = run('scripts/demo-cluster.ts')
    expect(status, out).toBe(0)
    const { ok, failed } = checks(out)
    expect(failed, out).toEqual([])
    expect(out).toMatch(/ok\s+the seller’s trade finished once, successfully, on a surviving worker/)
    expect(out).toMatch(/ok\s+the worker that owned the trade was killed mid-trade/)
    expect(out).toMatch(/ok\s+no running flow, journal, session, outbox, owner or forwarded rows remain/)
    expect(ok.length, out).toBeGreaterThanOrEqual(5)
  }, 150_000)
})
