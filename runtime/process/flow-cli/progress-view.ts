/**
 * A flow's progress on the terminal: at a TTY the whole tree, redrawn in place as it changes (done steps
 * ticked, the current one marked, child trackers indented under their step); otherwise one plain line per
 * change (`flow <id> (<name>): step > child step`); with --format json one JSON object per update.
 */
import { escapeLogText } from '../../codec/log-text.js'
import type { ProgressUpdate } from '../../engine/index.js'
import type { Output } from './flow-output.js'

type Tree = ProgressUpdate['tree']

/** The tree as indented lines: `✓` done, `▶` current, `·` still to come. */
export function progressTreeLines(tree: Tree, done: boolean, depth = 0): string[] {
  const currentIndex = tree.steps.findIndex((step) => step.name === tree.current)
  const finished = done || tree.current === 'DONE'
  return tree.steps.flatMap((step, index) => {
    const mark = finished || (currentIndex >= 0 && index < currentIndex) ? '✓' : index === currentIndex ? '▶' : '·'
    const line = `${'  '.repeat(depth + 1)}${mark} ${escapeLogText(step.label)}`
    return step.child && (index === currentIndex || finished) ? [line, ...progressTreeLines(step.child, finished, depth + 1)] : [line]
  })
}

export class ProgressView {
  private drawn = 0
  private readonly tty: boolean

  constructor(
    private readonly out: Output,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {
    this.tty = out.format === 'text' && stream.isTTY === true
  }

  show(update: ProgressUpdate): void {
    if (this.out.format === 'json') return this.out.print('', update)
    const heading = `flow ${update.flowId} (${escapeLogText(update.flowName)})`
    if (!this.tty) {
      const where = update.done ? 'DONE' : update.change === 'ended' ? 'ended' : update.path.map(escapeLogText).join(' > ') || 'UNSTARTED'
      return this.out.print(`${heading}: ${where}`, update)
    }
    const lines = [`${heading}${update.done ? ': done' : update.change === 'ended' ? ': ended' : ''}`, ...progressTreeLines(update.tree, update.done)]
    // Back to the first line of the previous drawing, then clear downwards and draw again.
    if (this.drawn > 0) this.stream.write(`\x1b[${this.drawn}F\x1b[0J`)
    this.stream.write(`${lines.join('\n')}\n`)
    this.drawn = lines.length
  }

  end(): void {
    this.drawn = 0
  }
}
