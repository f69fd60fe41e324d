/** A flow's progress tree (ctx.progress): steps in order, the current one marked, steps before it done, child trackers nested. */
import type { ProgressTreeView } from './types.js'

export function ProgressTree({ tree, done }: { readonly tree: ProgressTreeView; readonly done: boolean }) {
  const currentIndex = tree.steps.findIndex((s) => s.name === tree.current)
  return (
    <ol class="progress-tree">
      {tree.steps.map((step, i) => {
        const state = done || i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'todo'
        return (
          <li key={step.name} class={state} aria-current={state === 'current' ? 'step' : undefined}>
            {step.label}
            {step.child && <ProgressTree tree={step.child} done={done || state === 'done'} />}
          </li>
        )
      })}
    </ol>
  )
}
