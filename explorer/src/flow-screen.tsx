/**
 * One flow: its status, what it waits for in words, its live progress tree, its sessions, its run drawn as
 * a sequence diagram with each message's payload on demand (flow-run.tsx), the sub-flows it waits in, and
 * the actions: kill, and a form for each event it waits for (generated from the event's schema); and its
 * hospital admissions with a Retry while the hospital keeps it (flow-admissions.tsx).
 */
import { useCallback, useEffect, useState } from 'preact/hooks'
import { errorText, get, post } from './api.js'
import { FlowAdmissions } from './flow-admissions.js'
import { FlowRun } from './flow-run.js'
import { useLive } from './live.js'
import { ProgressTree } from './progress-tree.js'
import { SchemaForm } from './schema-form.js'
import type { FlowDetail, ProgressUpdate } from './types.js'

export function FlowScreen({ flowId, node }: { readonly flowId: string; readonly node: string }) {
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
  const { status, sessions, waiting, actions } = detail
  const subFlows = [...new Set(waiting.flatMap((w) => w.subFlows ?? []))]
  return (
    <section class="flow">
      <p>
        <a href="#/flows">← Flows</a>
      </p>
      <h2>
        {status.name} <code>{status.id}</code> <span class={`state ${status.status}`}>{status.status}</span>
      </h2>
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
          {waiting.length === 0 ? (running ? 'nothing: running its own code' : 'nothing: finished') : waiting.map((w) => <div key={w.text}>{w.text}</div>)}
        </dd>
        {subFlows.length > 0 && (
          <>
            <dt>Sub-flows</dt>
            <dd>{subFlows.join(' › ')} (run inside this flow)</dd>
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
      {progress ? <ProgressTree tree={progress.tree} done={progress.done} /> : <p class="muted">The flow reports no progress.</p>}
      <h3>Sessions</h3>
      {sessions.length === 0 ? (
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
      <FlowRun flowId={flowId} node={node} actions={actions} revision={detail} />
    </section>
  )
}
