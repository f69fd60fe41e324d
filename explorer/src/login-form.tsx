/** The login form: a user of the node's RPC endpoint and its password, checked by the node. */
import { useState } from 'preact/hooks'
import { type SessionInfo, errorText, post } from './api.js'

export function LoginForm({ onLogin }: { readonly onLogin: (session: SessionInfo) => void }) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    setBusy(true)
    setError('')
    try {
      onLogin(await post<SessionInfo>('/api/login', { user: String(form.get('user')), password: String(form.get('password')) }))
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="login" onSubmit={submit}>
      <h1>Colloquy Explorer</h1>
      <p class="muted">Log in with a user of the node's RPC endpoint.</p>
      <label>
        User <input name="user" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" />
      </label>
      <button type="submit" disabled={busy}>
        Log in
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
