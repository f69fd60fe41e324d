/**
 * A git revision's tree as a folder, so its protocols load with the same loader as the working tree's:
 * `git archive <ref>` unpacked into a temporary directory, with the working tree's node_modules linked in
 * (packages are not committed, and the revision's protocols must resolve them).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'

/** The ref does not name a commit, or the project is not in a git repository: a usage problem. */
export class RevisionError extends ColloquyError {
  override readonly name = 'RevisionError'
  readonly code = 'GENERATOR_REVISION'
}

/** git or tar failed while unpacking a revision that exists: the machine's problem, not the command line's. */
export class GitCommandError extends ColloquyError {
  override readonly name = 'GitCommandError'
  readonly code = 'GENERATOR_GIT'
}

export interface MaterialisedRevision {
  /** The project root inside the revision's tree (the same place relative to the repository as `root`). */
  readonly projectRoot: string
  /** The full commit the ref named. */
  readonly commit: string
  dispose(): void
}

export function materialiseRevision(root: string, ref: string): MaterialisedRevision {
  if (ref.startsWith('-')) throw new RevisionError(`'${ref}' is not a git ref; name a branch, tag or commit, e.g. --against origin/main`)
  const topLevel = git(root, ['rev-parse', '--show-toplevel'])
  if (topLevel.status !== 0) throw new RevisionError(`--against ${ref} needs a git repository, but ${root} is not inside one`)
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  if (commit.status !== 0)
    throw new RevisionError(
      `unknown git ref '${ref}': it names no commit in ${topLevel.stdout.trim()}; try a branch, tag or commit such as HEAD or origin/main`,
    )
  const prefix = git(root, ['rev-parse', '--show-prefix']).stdout.trim()

  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'colloquy-against-')))
  const dispose = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    const archive = path.join(dir, '.revision.tar')
    const sha = commit.stdout.trim()
    expectSuccess(git(root, ['archive', '--format=tar', '-o', archive, sha]), `git archive ${sha}`)
    const tree = path.join(dir, 'tree')
    mkdirSync(tree)
    expectSuccess(spawnSync('tar', ['-xf', archive, '-C', tree], { encoding: 'utf8' }), 'tar -x')
    rmSync(archive)
    const projectRoot = path.join(tree, prefix)
    linkNodeModules(path.resolve(root), projectRoot)
    linkNodeModules(topLevel.stdout.trim(), tree)
    return { projectRoot, commit: sha, dispose }
  } catch (error) {
    dispose()
    throw error
  }
}

function linkNodeModules(from: string, to: string): void {
  const source = path.join(from, 'node_modules')
  const target = path.join(to, 'node_modules')
  if (existsSync(source) && existsSync(to) && !existsSync(target)) symlinkSync(source, target, 'dir')
}

function git(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.error) throw new RevisionError(`--against needs git on the PATH (${result.error.message})`)
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function expectSuccess(result: { status: number | null; stderr: string }, what: string): void {
  if (result.status !== 0) throw new GitCommandError(`${what} failed: ${result.stderr.trim()}`)
}
