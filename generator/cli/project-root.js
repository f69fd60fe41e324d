// @ts-check
/**
 * The project a command works on when no `--root` is given: the nearest folder, from the current one
 * upwards, that holds a package.json (as npm finds its package), so `colloquy` run from a subfolder works
 * on the whole project. Without any package.json above, the current folder. Plain JavaScript, shared by
 * the no-op check and the full command line.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * @param {string} start an absolute folder
 * @returns {string}
 */
export function findProjectRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return start
  }
}
