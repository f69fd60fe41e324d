/**
 * A node's app module may be TypeScript. Running from source, a TypeScript loader is already active (this
 * very module is .ts); from the built bundle it is not, and tsx is registered only when the app is a .ts
 * file, so a node whose app is JavaScript never loads tsx.
 */
const appIsTypeScript = (modulePath: string): boolean => /\.[cm]?tsx?$/.test(modulePath)
const loaderActive = (): boolean => import.meta.url.endsWith('.ts')

let registered = false

export async function loadTypeScriptFor(modulePath: string): Promise<void> {
  if (registered || !appIsTypeScript(modulePath) || loaderActive()) return
  const { register } = await import('tsx/esm/api')
  register()
  registered = true
}
