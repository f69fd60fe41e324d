/**
 * .ci/services.sh: a service that answers is left alone; one that does not is started with its command
 * (here a stand-in for start-stop-daemon first on PATH) and waited for; one that never answers fails the
 * step within SERVICES_WAIT_S, naming it.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../transport/support/tcp-cluster.js'

const script = path.resolve(import.meta.dirname, '..', '..', '.ci', 'services.sh')
const dirs: string[] = []
const pids: number[] = []
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid)
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function run(env: Record<string, string>) {
  return spawnSync('bash', [script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } })
}

describe('.ci/services.sh', () => {
  it('leaves a service that answers alone', async () => {
    const port = await freePort()
    const server = spawn(process.execPath, ['-e', `require('net').createServer((s) => s.end()).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' })
    pids.push(server.pid!)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const result = run({ SERVICES: `nats:${port}`, PATH: `/nonexistent:${process.env.PATH}` })
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(`nats answers on 127.0.0.1:${port}\n`)
  })

  it('starts a service that does not answer and waits for it', async () => {
    const port = await freePort()
    const bin = mkdtempSync(path.join(tmpdir(), 'colloquy-services-'))
    dirs.push(bin)
    const pidFile = path.join(bin, 'pid')
    // Stands in for start-stop-daemon: records its arguments, starts a listener in the background a moment later.
    writeFileSync(
      path.join(bin, 'start-stop-daemon'),
      `#!/usr/bin/env bash\necho "$@" > ${bin}/args\n(sleep 0.5; exec ${process.execPath} -e "require('net').createServer((s) => s.end()).listen(${port}, '127.0.0.1')") >/dev/null 2>&1 &\necho $! > ${pidFile}\n`,
    )
    chmodSync(path.join(bin, 'start-stop-daemon'), 0o755)
    const result = run({ SERVICES: `nats:${port}`, PATH: `${bin}:${process.env.PATH}`, SERVICES_WAIT_S: '10' })
    pids.push(Number(readFileSync(pidFile, 'utf8')))
    expect(result.stdout).toBe(`nats does not answer on 127.0.0.1:${port}; starting it\nnats answers on 127.0.0.1:${port}\n`)
    expect(result.status).toBe(0)
    expect(readFileSync(path.join(bin, 'args'), 'utf8')).toBe(
      '--start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log\n',
    )
  })

  it('fails, naming the service, when it does not answer in time', async () => {
    const port = await freePort()
    const bin = mkdtempSync(path.join(tmpdir(), 'colloquy-services-'))
    dirs.push(bin)
    writeFileSync(path.join(bin, 'pg_ctlcluster'), '#!/usr/bin/env bash\nexit 3\n')
    chmodSync(path.join(bin, 'pg_ctlcluster'), 0o755)
    const result = run({ SERVICES: `postgres:${port}`, PATH: `${bin}:${process.env.PATH}`, SERVICES_WAIT_S: '1' })
    expect(result.status).toBe(1)
    expect(result.stdout).toContain(`postgres does not answer on 127.0.0.1:${port}; starting it\nstarting postgres failed (exit 3)\n`)
    expect(result.stdout).toContain(`postgres still does not answer on 127.0.0.1:${port} after 1 s`)
  })
})
