/**
 * The Hospital screen: the flows the flow hospital keeps or retries, grouped by the diagnosis of their last
 * admission (with the staff member and the error), each with Retry and Kill; and the session inits it holds
 * (no responder for their protocol), each with Reject. Refreshed every 2 s.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText, get, post } from './api.js'

interface Patient {
  readonly flowId: string
  readonly flowName: string
  readonly state: 'observed' | 'retrying' | 'running'
  readonly admissions: number
  readonly retryAt?: number
  readonly last: {
    readonly at: number
    readonly staff: string
    readonly diagnosis: string
    readonly error: { readonly name: string; readonly code?: string; readonly message: string }
  }
}

interface HeldInit {
  readonly id: string
  readonly sender: string
  readonly protocol: string
  readonly at: number
  readonly reason: string
}

export function HospitalScreen() {
  const [data, setData] = useState<{ patients: Patient[]; heldInits: HeldInit[] } | null>(null)
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')
  const load = () =>
    get<{ patients: Patient[]; heldInits: HeldInit[] }>('/api/hospital').then(
      (d) => setData(d),
      (e) => setError(errorText(e)),
    )
  useEffect(() => {
    void load()
    const timer = setInterval(load, 2000)
    return () => clearInterval(timer)
  }, [])
  const act = (url: string, done: string) => async () => {
    setError('')
    setNotice('')
    try {
      const answer = await post<Record<string, boolean>>(url)
      setNotice(Object.values(answer)[0] ? done : 'Nothing to do: the hospital no longer holds it.')
    } catch (e) {
      setError(errorText(e))
    }
    void load()
  }
  const byDiagnosis = new Map<string, Patient[]>()
  for (const p of data?.patients ?? []) byDiagnosis.set(p.last.diagnosis, [...(byDiagnosis.get(p.last.diagnosis) ?? []), p])
  return (
    <section>
      <h2>Hospital</h2>
      {notice && <p class="notice">{notice}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data && data.patients.length === 0 && <p class="muted">No flow in the hospital.</p>}
      {[...byDiagnosis].map(([diagnosis, patients]) => (
        <article key={diagnosis} class="protocol" aria-label={diagnosis}>
          <h3>{diagnosis}</h3>
          <table>
            <thead>
              <tr>
                <th>Flow</th>
                <th>State</th>
                <th>Admissions</th>
                <th>Last error</th>
                <th>Staff</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {patients.map((p) => (
                <tr key={p.flowId} data-flow-id={p.flowId}>
                  <td>
                    <a href={`#/flows/${encodeURIComponent(p.flowId)}`}>{p.flowName}</a> <code>{p.flowId.slice(0, 8)}</code>
                  </td>
                  <td>{p.state === 'retrying' && p.retryAt ? `retrying at ${new Date(p.retryAt).toLocaleTimeString()}` : p.state}</td>
                  <td>{p.admissions}</td>
                  <td>
                    {p.last.error.code ?? p.last.error.name}: {p.last.error.message}
                  </td>
                  <td>{p.last.staff}</td>
                  <td>
                    <button type="button" class="primary" onClick={act(`/api/hospital/${encodeURIComponent(p.flowId)}/retry`, 'Retried.')}>
                      Retry
                    </button>{' '}
                    <button type="button" class="danger" onClick={act(`/api/hospital/${encodeURIComponent(p.flowId)}/kill`, 'Killed.')}>
                      Kill
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
      <h3>Held session inits</h3>
      {data && data.heldInits.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table aria-label="Held session inits">
          <tbody>
            {data?.heldInits.map((h) => (
              <tr key={h.id}>
                <td>{h.sender}</td>
                <td>{h.protocol}</td>
                <td>{h.reason}</td>
                <td>
                  <button type="button" class="danger" onClick={act(`/api/hospital/inits/${encodeURIComponent(h.id)}/reject`, 'Rejected.')}>
                    Reject
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
