/** Where a cold `colloquy generate` spends its time: runs generate-phases-child.ts in a fresh process. */
import { expectSuccess, timedRun } from './processes.js'

const child = new URL('./generate-phases-child.js', import.meta.url).href.replace(/\.js$/, '.ts')

/** Phase name -> ms, in the order the phases ran; `total` is from process start to the end. */
export function measureGeneratePhases(root: string, runtime: string, env: NodeJS.ProcessEnv): Record<string, number> {
  // started the way bin/colloquy.js starts the CLI: tsx's ESM loader registered, then the module imported
  const code = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register(); await import(${JSON.stringify(child)})`
  const run = expectSuccess(timedRun(process.execPath, ['--input-type=module', '-e', code, root, runtime], { cwd: root, env }), 'generate phases')
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number>
}
