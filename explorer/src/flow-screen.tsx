/**
 * One flow: its status, what it waits for in words, its live progress tree, its sessions, its run drawn as
 * a sequence diagram with each message's payload on demand (flow-run.tsx), the tree of its sub-flows, and
 * the actions: kill, and a form for each event it waits for (generated from the event's schema); and its
 * hospital admissions with a Retry while the hospital keeps it (flow-admissions.tsx).
 * Focused on one of its sub-flows (`subFlow`, sub-flows.tsx): a breadcrumb back to the flow, the waits,
 * messages and sessions of that sub-flow only, the sub-flow marked in the tree.
 */
import { useCallback, useEffect, useState } from 'preact/hooks'
import { errorText, get, post } from './api.js'
import { FlowAdmissions } from './flow-admissions.js'
import { useFlowMessages } from './flow-messages.js'
import { FlowRun } from './flow-run.js'
import { useLive } from './live.js'
import { ProgressTree } from './progress-tree.js'
import { SchemaForm } from './schema-form.js'
import { Breadcrumb, type SubFlowPath, SubFlowTree, subFlowTree, within } from './sub-flows.js'
import type { FlowDetail, FlowMessage, ProgressUpdate } from './types.js'

interface Props {
  readonly flowId: string
  readonly node: string
  /** The sub-flow the page is focused on, outermost name first; none for the whole flow. */
  readonly subFlow?: SubFlowPath
}

export function FlowScreen({ flowId, node, subFlow = [] }: Props) {
  const [detail, setDetail] = useState<FlowDetail | null>(null)
  const [progress, setProgress] = useState<ProgressUpdate | null>(null)
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')

  const load = useCallback(async () => {
    try {
      setDetail(await get<FlowDetail>(`/api/flows/${encodeURIComponent(flowId)}`))
    } catch (e) {
      setError(errorText(e))
    }
  }, [flowId])
  const running = detail?.status.status === 'running'
  useEffect(() => {
    void load()
    // A flow starts waiting without an event saying so: while it runs, look again every 2 s.
    if (!running) return
    const timer = setInterval(() => void load(), 2000)
    return () => clearInterval(timer)
  }, [load, running])
  // An update means the flow moved; what it waits for next is known a moment later.
  const later = () => setTimeout(() => void load(), 200)
  useLive('/api/live/flows', (_type, data) => {
    if ((data as { flowId?: string }).flowId === flowId) later()
  })
  const { history, unread } = useFlowMessages(flowId, detail)
  const live = useLive(`/api/live/flows/${encodeURIComponent(flowId)}/progress`, (_type, data) => {
    setProgress(data as ProgressUpdate)
    later()
  })

  const act = async (what: () => Promise<string>) => {
    setError('')
    setNotice('')
    try {
      setNotice(await what())
    } catch (e) {
      setError(errorText(e))
    }
    void load()
  }
  const kill = () =>
    act(async () => {
      const { killed } = await post<{ killed: boolean }>(`/api/flows/${encodeURIComponent(flowId)}/kill`)
      return killed ? 'The flow was killed.' : 'The flow was not running any more.'
    })
  const signal = (name: string) => (payload: unknown) =>
    act(async () => {
      const { status } = await post<{ status: string }>(`/api/flows/${encodeURIComponent(flowId)}/signal`, { name, payload })
      return `Event '${name}': ${status}.`
    })

  if (!detail)
    return error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : (
      <p class="muted">Loading…</p>
    )
  const { status, sessions, actions } = detail
  const focused = subFlow.length > 0
  const messages = history && !history.finished ? history.messages : []
  const tree = subFlowTree(messages, detail.waiting)
  const waiting = detail.waiting.filter((w) => within(w.subFlows, subFlow))
  return (
    <section class="flow">
      <Breadcrumb flowId={status.id} name={status.name} focus={subFlow} />
      <h2>
        {focused ? (
          <>
            Sub-flow {subFlow[subFlow.length - 1]} <span class="muted">in {status.name}</span> <code>{status.id}</code>
          </>
        ) : (
          <>
            {status.name} <code>{status.id}</code>
          </>
        )}{' '}
        <span class={`state ${status.status}`}>{status.status}</span>
      </h2>
      {focused && (
        <p class="muted">
          A sub-flow runs inside its flow and has no flow id of its own: this is the flow’s page, showing what the sub-flow {subFlow.join(' › ')} waits for and
          the messages of the sessions it opened.
        </p>
      )}
      <dl class="facts">
        <dt>Kind</dt>
        <dd>{status.kind === 'responder' ? 'responder (answers a peer’s session)' : 'started on this node'}</dd>
        <dt>Started</dt>
        <dd>{new Date(status.startedAt).toLocaleString()}</dd>
        {status.clientId && (
          <>
            <dt>Client id</dt>
            <dd>
              {status.clientId} (owner {status.owner || 'in process'})
            </dd>
          </>
        )}
        <dt>Waiting for</dt>
        <dd class="waiting">
          {waiting.length === 0
            ? focused
              ? 'nothing in this sub-flow'
              : running
                ? 'nothing: running its own code'
                : 'nothing: finished'
            : waiting.map((w) => <div key={w.text}>{w.text}</div>)}
        </dd>
        {tree.length > 0 && (
          <>
            <dt>Sub-flows</dt>
            <dd>
              <SubFlowTree flowId={status.id} nodes={tree} focus={subFlow} />
            </dd>
          </>
        )}
      </dl>
      {running && (
        <div class="actions">
          {waiting
            .filter((w) => w.kind === 'event' && w.name)
            .map((w) => (
              <div key={w.name} class="event">
                <h3>Event '{w.name}'</h3>
                <SchemaForm event={w.name!} schema={w.schema} onSubmit={signal(w.name!)} />
              </div>
            ))}
          <button type="button" class="danger" onClick={() => confirm(`Kill flow ${status.id}?`) && kill()}>
            Kill flow
          </button>
        </div>
      )}
      {notice && <p class="notice">{notice}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <FlowAdmissions flowId={flowId} revision={detail} onRetried={() => void load()} />
      <h3>Progress {live.state === 'refused' && <span class="muted">({live.refusal})</span>}</h3>
      {progress && focused && (
        <p class="muted">The whole flow’s progress: a sub-flow’s steps nest under the step that ran it, but the tree does not name sub-flows.</p>
      )}
      {progress ? <ProgressTree tree={progress.tree} done={progress.done} /> : <p class="muted">The flow reports no progress.</p>}
      <h3>Sessions</h3>
      {focused ? (
        <SubFlowSessions messages={messages.filter((m) => within(m.subFlows, subFlow))} />
      ) : sessions.length === 0 ? (
        <p class="muted">No open session.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Counterparty</th>
              <th>Protocol</th>
              <th>Version</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s, i) => (
              <tr key={`${s.peer}-${i}`}>
                <td>{s.peer}</td>
                <td>{s.protocol}</td>
                <td>{s.version ?? 'negotiating'}</td>
                <td>{s.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FlowRun node={node} history={history} unread={unread} focus={subFlow} actions={actions} />
    </section>
  )
}

/** A sub-flow's sessions, as its messages name them (the node's session list does not say which sub-flow opened a session). */
function SubFlowSessions({ messages }: { readonly messages: readonly FlowMessage[] }) {
  const sessions = [...new Map(messages.map((m) => [m.sessionId, m])).values()]
  if (sessions.length === 0) return <p class="muted">No session of this sub-flow among the flow’s messages.</p>
  return (
    <table aria-label="Sessions of the sub-flow">
      <thead>
        <tr>
          <th>Counterparty</th>
          <th>Protocol</th>
          <th>Version</th>
          <th>Session</th>
          <th>Sub-flow</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((m) => (
          <tr key={m.sessionId}>
            <td>{m.counterparty}</td>
            <td>{m.protocol}</td>
            <td>{m.version ?? 'negotiating'}</td>
            <td>
              <code>{m.sessionId}</code> ({m.role})
            </td>
            <td>{m.subFlows?.join(' › ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
