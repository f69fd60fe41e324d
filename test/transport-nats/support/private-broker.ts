/**
 * A nats-server of the test's own (JetStream on, its store in a temporary folder, a free port), so a test
 * can stop and restart the broker without touching the one other tests use. NATS_SERVER names the binary
 * (default /usr/sbin/nats-server).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect as connectTcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../transport/support/tcp-cluster.js'

const binary = process.env.NATS_SERVER ?? '/usr/sbin/nats-server'

export class PrivateBroker {
  readonly dir = mkdtempSync(join(tmpdir(), 'colloquy-nats-server-'))
  private process: ChildProcess | undefined

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateBroker> {
    const broker = new PrivateBroker(await freePort())
    await broker.up()
    return broker
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }

  /** Starts the server (again, with the same store) and waits until it accepts connections. */
  async up(): Promise<void> {
    this.process = spawn(binary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await answers(this.port))) {
      if (Date.now() > deadline) throw new Error(`${binary} did not answer on port ${this.port} within 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Kills the server as a crash would (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.process
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    this.process = undefined
  }

  async stop(): Promise<void> {
    await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1')
    socket.once('data', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
