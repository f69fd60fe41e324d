/**
 * A flow's hospital admissions on its page (hospital.show): its state in the hospital, what it waits for
 * there, every admission kept (when, staff member, diagnosis, error) and, while the hospital keeps it or
 * waits to retry it, a Retry button (hospital.retry: from its last checkpoint, now). Loaded again whenever
 * the page reloads the flow (`revision`).
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText, get, post } from './api.js'

interface Admission {
  readonly at: number
  readonly staff: string
  readonly diagnosis: string
  readonly error: { readonly name: string; readonly code?: string; readonly message: string }
}

interface HospitalReport {
  readonly state: 'observed' | 'retrying' | 'running'
  readonly admissions: number
  readonly retryAt?: number
  readonly waitingFor: string
  readonly history: readonly Admission[]
}

export function FlowAdmissions({ flowId, revision, onRetried }: { readonly flowId: string; readonly revision: unknown; readonly onRetried: () => void }) {
  const [report, setReport] = useState<HospitalReport | null>(null)
  /** Why the admissions could not be read (e.g. no InvokeRpc.hospital.show): said quietly, it is not an action's failure. */
  const [unread, setUnread] = useState('')
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')
  const load = () =>
    get<{ report: HospitalReport | null }>(`/api/hospital/${encodeURIComponent(flowId)}`).then(
      ({ report }) => {
        setReport(report)
        setUnread('')
      },
      (e) => setUnread(errorText(e)),
    )
  useEffect(() => {
    void load()
  }, [flowId, revision])
  const retry = async () => {
    setError('')
    setNotice('')
    try {
      const { retried } = await post<{ retried: boolean }>(`/api/hospital/${encodeURIComponent(flowId)}/retry`)
      setNotice(retried ? 'The flow was retried from its last checkpoint.' : 'Nothing to do: the hospital no longer holds the flow.')
    } catch (e) {
      setError(errorText(e))
    }
    void load()
    onRetried()
  }
  const kept = report?.state === 'observed' || report?.state === 'retrying'
  return (
    <section class="admissions" aria-label="Hospital admissions">
      <h3>Hospital</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && <p class="notice">{notice}</p>}
      {!report ? (
        <p class="muted">{unread ? `Admissions not shown: ${unread}` : 'Never admitted to the flow hospital.'}</p>
      ) : (
        <>
          <p>
            {kept ? 'Hospitalized' : 'Running again after a retry'}: {report.admissions} {report.admissions === 1 ? 'admission' : 'admissions'}; waits for{' '}
            {report.waitingFor}.{' '}
            {kept && (
              <button type="button" class="primary" onClick={retry}>
                Retry flow
              </button>
            )}
          </p>
          <table>
            <thead>
              <tr>
                <th>Admitted</th>
                <th>Diagnosis</th>
                <th>Error</th>
                <th>Staff</th>
              </tr>
            </thead>
            <tbody>
              {report.history.map((a, i) => (
                <tr key={`${a.at}-${i}`} class="admission">
                  <td>{new Date(a.at).toLocaleString()}</td>
                  <td>{a.diagnosis}</td>
                  <td>
                    {a.error.code ?? a.error.name}: {a.error.message}
                  </td>
                  <td>{a.staff}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
