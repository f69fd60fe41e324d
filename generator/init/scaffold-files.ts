/** What `colloquy init` writes: the example protocol, the tsconfig fragment and the package scripts. */

export const exampleProtocolName = 'greeting.protocol.ts'

export const exampleProtocol = `import { z } from 'zod'
import { protocol } from 'colloquy/protocol'

// An example protocol, written from the initiator's point of view: the caller sends a name, the greeter
// answers. Edit it or add more *.protocol.ts files, then run \`npm run colloquy:generate\`.
export const Greeting = protocol('Greeting', { version: 1, initiator: 'Caller', responder: 'Greeter' })
  .send('name', z.string().max(100))
  .receive('greeting', z.string())
  .end()
`

export const tsconfigFragmentName = 'tsconfig.colloquy.json'

/** The compiler options generated code is written for, and the folders to check. */
export function tsconfigFragment(protocolsDir: string, outDir: string): string {
  const fragment = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: true,
    },
    include: [protocolsDir, outDir],
  }
  return `${JSON.stringify(fragment, null, 2)}\n`
}

/** The package scripts, with --protocols and --out when they are not the defaults. */
export function packageScripts(protocolsDir: string, outDir: string): Record<string, string> {
  const folders = `${protocolsDir === 'protocols' ? '' : ` --protocols ${protocolsDir}`}${outDir === 'generated' ? '' : ` --out ${outDir}`}`
  return {
    'colloquy:generate': `colloquy generate${folders}`,
    'colloquy:watch': `colloquy generate --watch${folders}`,
    'colloquy:check': `colloquy check${folders}`,
  }
}
