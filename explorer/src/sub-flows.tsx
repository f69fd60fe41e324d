/**
 * A flow's sub-flows (ctx.subFlow), which run inside it and have no flow id of their own: the tree of those
 * the page knows of, from the sub-flows its messages were sent or received in (FlowMessage.subFlows) and
 * those it waits in (WaitingFor.subFlows), each named by its path of sub-flow names, outermost first. A
 * sub-flow's page is its flow's page focused on it (`#/flows/<id>/sub/<name>/<name>…`), with a breadcrumb
 * back up. Two runs of the same sub-flow at the same place share a path, and so a node of the tree.
 */
import type { FlowMessage, WaitingFor } from './types.js'

export type SubFlowPath = readonly string[]

export interface SubFlowNode {
  readonly path: SubFlowPath
  readonly messages: number
  readonly waiting: boolean
  readonly children: readonly SubFlowNode[]
}

export function flowHref(flowId: string, path: SubFlowPath = []): string {
  const sub = path.length === 0 ? '' : `/sub/${path.map(encodeURIComponent).join('/')}`
  return `#/flows/${encodeURIComponent(flowId)}${sub}`
}

/** The path in a sub-flow's hash (`a/b`, each name URI-encoded). */
export function parseSubFlowPath(text: string | undefined): SubFlowPath {
  return text ? text.split('/').map(decodeURIComponent) : []
}

/** Whether `inner` is `outer` or a sub-flow nested in it. */
export function within(inner: SubFlowPath | undefined, outer: SubFlowPath): boolean {
  return outer.length <= (inner?.length ?? 0) && outer.every((name, i) => inner![i] === name)
}

const same = (a: SubFlowPath, b: SubFlowPath) => a.length === b.length && within(a, b)

/** The tree of sub-flows the messages and waits name, in the order they first appear. */
export function subFlowTree(messages: readonly FlowMessage[], waiting: readonly WaitingFor[]): SubFlowNode[] {
  const paths: SubFlowPath[] = []
  const add = (path: SubFlowPath) => {
    for (let depth = 1; depth <= path.length; depth++) {
      const prefix = path.slice(0, depth)
      if (!paths.some((p) => same(p, prefix))) paths.push(prefix)
    }
  }
  for (const m of messages) add(m.subFlows ?? [])
  for (const w of waiting) add(w.subFlows ?? [])
  const node = (path: SubFlowPath): SubFlowNode => ({
    path,
    messages: messages.filter((m) => within(m.subFlows, path)).length,
    waiting: waiting.some((w) => within(w.subFlows, path)),
    children: paths.filter((p) => p.length === path.length + 1 && within(p, path)).map(node),
  })
  return paths.filter((p) => p.length === 1).map(node)
}

function SubFlowItems({ flowId, nodes, focus }: { readonly flowId: string; readonly nodes: readonly SubFlowNode[]; readonly focus: SubFlowPath }) {
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.path.join('/')}>
          <a href={flowHref(flowId, n.path)} aria-current={same(n.path, focus) ? 'page' : undefined}>
            {n.path[n.path.length - 1]}
          </a>{' '}
          <span class="muted">
            {n.messages === 1 ? '1 message' : `${n.messages} messages`}
            {n.waiting ? ', waiting' : ''}
          </span>
          {n.children.length > 0 && <SubFlowItems flowId={flowId} nodes={n.children} focus={focus} />}
        </li>
      ))}
    </ul>
  )
}

export function SubFlowTree(props: { readonly flowId: string; readonly nodes: readonly SubFlowNode[]; readonly focus: SubFlowPath }) {
  return (
    <nav class="sub-flows" aria-label="Sub-flows">
      <SubFlowItems {...props} />
    </nav>
  )
}

/** Flows › the flow › each enclosing sub-flow, linked; the focused sub-flow last, not linked. */
export function Breadcrumb({ flowId, name, focus }: { readonly flowId: string; readonly name: string; readonly focus: SubFlowPath }) {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <a href="#/flows">← Flows</a>
      {focus.length > 0 && (
        <>
          {' › '}
          <a href={flowHref(flowId)}>
            {name} {flowId}
          </a>
          {focus.slice(0, -1).map((sub, i) => (
            <span key={focus.slice(0, i + 1).join('/')}>
              {' › '}
              <a href={flowHref(flowId, focus.slice(0, i + 1))}>{sub}</a>
            </span>
          ))}
          {' › '}
          <span aria-current="page">{focus[focus.length - 1]}</span>
        </>
      )}
    </nav>
  )
}
