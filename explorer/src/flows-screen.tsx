/**
 * The Flows screen: every flow on the node matching the filter (state, flow name, counterparty, client id,
 * started since), refreshed as the node reports flows added, progressed and ended, and a kill and a retry
 * over the filter, each first showing the flows it would act on and asking for confirmation. The states are
 * the node's (listFlows); a kill acts on the running, waiting and hospitalized flows shown, a retry on the
 * hospitalized ones (the flow hospital's retry from the last checkpoint, permission InvokeRpc.hospital.retry).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { errorText, get, post } from './api.js'
import { useLive } from './live.js'
import type { FlowRow } from './types.js'
import { waitText } from './wait-text.js'

interface Filter {
  state: string
  flowName: string
  counterparty: string
  clientId: string
  since: string
}

type BulkAction = 'kill' | 'retry'

interface BulkResult {
  readonly flowId: string
  readonly killed?: boolean
  readonly retried?: boolean
  readonly skipped?: string
  readonly error?: { readonly message: string }
}

const empty: Filter = { state: '', flowName: '', counterparty: '', clientId: '', since: '' }

function apiFilter(filter: Filter): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  if (filter.state) out.state = filter.state
  if (filter.flowName) out.flowName = filter.flowName
  if (filter.counterparty) out.counterparty = filter.counterparty
  if (filter.clientId) out.clientId = filter.clientId
  if (filter.since) out.startedSince = new Date(filter.since).getTime()
  return out
}

export function FlowsScreen() {
  const [filter, setFilter] = useState<Filter>(empty)
  const [flows, setFlows] = useState<readonly FlowRow[]>([])
  const [error, setError] = useState('')
  const [preview, setPreview] = useState<{ readonly action: BulkAction; readonly flows: readonly FlowRow[] } | null>(null)
  const [results, setResults] = useState<{ readonly action: BulkAction; readonly results: readonly BulkResult[] } | null>(null)
  const pending = useRef<number | undefined>(undefined)
  /** Numbers the loads, so an answer to an older filter that arrives late is dropped. */
  const loads = useRef(0)

  const load = useCallback(async () => {
    const mine = ++loads.current
    try {
      const query = new URLSearchParams(Object.entries(apiFilter(filter)).map(([k, v]) => [k, String(v)]))
      const { flows } = await get<{ flows: FlowRow[] }>(`/api/flows?${query}`)
      if (mine !== loads.current) return
      setFlows(flows)
      setError('')
    } catch (e) {
      if (mine === loads.current) setError(errorText(e))
    }
  }, [filter])
  useEffect(() => {
    void load()
  }, [load])
  // The reload a live update schedules runs with the filter as it is then, not as it was when scheduled.
  const latestLoad = useRef(load)
  latestLoad.current = load
  // Many updates arrive together when flows move: reload at most every 250 ms.
  const live = useLive('/api/live/flows', () => {
    if (pending.current !== undefined) return
    pending.current = window.setTimeout(() => {
      pending.current = undefined
      void latestLoad.current()
    }, 250)
  })

  const set = (key: keyof Filter) => (event: Event) => setFilter({ ...filter, [key]: (event.currentTarget as HTMLInputElement).value })
  /** The preview asks the node again with the filter as it stands, so it shows what the action would act on. */
  const showPreview = (action: BulkAction) => async () => {
    setResults(null)
    try {
      const query = new URLSearchParams(Object.entries(apiFilter(filter)).map(([k, v]) => [k, String(v)]))
      const { flows } = await get<{ flows: FlowRow[] }>(`/api/flows?${query}`)
      const eligible = action === 'retry' ? ['hospitalized'] : ['running', 'waiting', 'hospitalized']
      setPreview({ action, flows: flows.filter((f) => eligible.includes(f.state)) })
    } catch (e) {
      setError(errorText(e))
    }
  }
  const confirm = async () => {
    if (!preview) return
    try {
      const body = { filter: apiFilter(filter), flowIds: preview.flows.map((f) => f.flowId) }
      const answer = await post<{ results: BulkResult[] }>(`/api/flows/${preview.action}`, body)
      setResults({ action: preview.action, results: answer.results })
    } catch (e) {
      setError(errorText(e))
    }
    setPreview(null)
    void load()
  }

  return (
    <section>
      <h2>
        Flows <span class={`live ${live.state}`}>{live.state === 'refused' ? `no live updates: ${live.refusal}` : live.state}</span>
      </h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          State
          <select name="state" value={filter.state} onChange={set('state')}>
            <option value="">any</option>
            <option value="running">running</option>
            <option value="waiting">waiting</option>
            <option value="hospitalized">hospitalized</option>
            <option value="finished">finished</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label>
          Flow <input name="flowName" value={filter.flowName} onInput={set('flowName')} placeholder="name" />
        </label>
        <label>
          Counterparty <input name="counterparty" value={filter.counterparty} onInput={set('counterparty')} placeholder="party" />
        </label>
        <label>
          Client id <input name="clientId" value={filter.clientId} onInput={set('clientId')} placeholder="your client id" />
        </label>
        <label>
          Started since <input name="since" type="datetime-local" value={filter.since} onChange={set('since')} />
        </label>
        <button type="button" onClick={showPreview('retry')}>
          Retry matching…
        </button>
        <button type="button" onClick={showPreview('kill')}>
          Kill matching…
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {preview && <BulkPreview action={preview.action} flows={preview.flows} onConfirm={confirm} onCancel={() => setPreview(null)} />}
      {results && (
        <ul class="results" aria-label={results.action === 'kill' ? 'Kill results' : 'Retry results'}>
          {results.results.map((r) => {
            const done = results.action === 'kill' ? r.killed : r.retried
            const failed = r.error?.message ?? r.skipped ?? (results.action === 'kill' ? 'not running any more' : 'not in the hospital any more')
            return (
              <li key={r.flowId} class={done ? '' : 'error'}>
                <code>{r.flowId}</code>: {done ? (results.action === 'kill' ? 'killed' : 'retried') : failed}
              </li>
            )
          })}
        </ul>
      )}
      <table class="flows">
        <thead>
          <tr>
            <th>Flow id</th>
            <th>Flow</th>
            <th>State</th>
            <th>Progress</th>
            <th>Waiting for</th>
            <th>Counterparties</th>
            <th>Client id</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => (
            <tr key={f.flowId} data-flow-id={f.flowId}>
              <td>
                <a href={`#/flows/${encodeURIComponent(f.flowId)}`}>
                  <code>{f.flowId.slice(0, 8)}</code>
                </a>
              </td>
              <td>{f.flowName}</td>
              <td class={`state ${f.state}`}>{f.state}</td>
              <td class="progress">{f.progress?.join(' › ') ?? ''}</td>
              <td>{f.waitingFor ? waitText(f.waitingFor) : ''}</td>
              <td>{f.counterparties.join(', ')}</td>
              <td>{f.clientId ?? ''}</td>
              <td>{new Date(f.startedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {flows.length === 0 && <p class="muted">No flow matches.</p>}
    </section>
  )
}

/** The flows a bulk kill or retry would act on, and the button that confirms it. */
function BulkPreview({ action, flows, onConfirm, onCancel }: { action: BulkAction; flows: readonly FlowRow[]; onConfirm: () => void; onCancel: () => void }) {
  const count = `${flows.length} ${flows.length === 1 ? 'flow' : 'flows'}`
  return (
    <div class="confirm" role="dialog" aria-label={action === 'kill' ? 'Confirm kill' : 'Confirm retry'}>
      {flows.length === 0 ? (
        <p>{action === 'kill' ? 'No running flow matches the filter.' : 'No hospitalized flow matches the filter.'}</p>
      ) : (
        <>
          <p>
            {action === 'kill'
              ? `Kill these ${count}? Their counterparties are told the flow ended.`
              : `Retry these ${count} from their last checkpoint? The hospital admits them again if they fail again.`}
          </p>
          <ul>
            {flows.map((f) => (
              <li key={f.flowId}>
                <code>{f.flowId}</code> {f.flowName}
              </li>
            ))}
          </ul>
          <button type="button" class={action === 'kill' ? 'danger' : 'primary'} onClick={onConfirm}>
            {action === 'kill' ? 'Kill' : 'Retry'} {count}
          </button>
        </>
      )}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}
