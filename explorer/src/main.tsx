/** The Explorer page: the login form until a session exists, then the screens, routed by the URL's hash. */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { type SessionInfo, get, post, useSession } from './api.js'
import { FlowScreen } from './flow-screen.js'
import { FlowsScreen } from './flows-screen.js'
import { LoginForm } from './login-form.js'
import { OtherScreens } from './other-screens.js'
import './style.css'

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/flows')
  useEffect(() => {
    const changed = () => setHash(location.hash || '#/flows')
    addEventListener('hashchange', changed)
    return () => removeEventListener('hashchange', changed)
  }, [])
  return hash
}

function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined)
  const hash = useHash()
  useEffect(() => {
    get<SessionInfo>('/api/session').then(
      (s) => setSession(s),
      () => setSession(null),
    )
  }, [])
  useSession(session ?? null)
  if (session === undefined) return <p class="muted">Loading…</p>
  if (session === null) return <LoginForm onLogin={setSession} />
  const logout = () => post('/api/logout').finally(() => setSession(null))
  const flowMatch = /^#\/flows\/(.+)$/.exec(hash)
  const screen = flowMatch ? 'flow' : hash.startsWith('#/protocols') ? 'protocols' : hash.startsWith('#/peers') ? 'peers' : 'flows'
  return (
    <>
      <header>
        <strong>Colloquy Explorer</strong>
        <span class="node">node {session.node}</span>
        <nav>
          <a href="#/flows" class={screen === 'flows' || screen === 'flow' ? 'active' : ''}>
            Flows
          </a>
          <a href="#/protocols" class={screen === 'protocols' ? 'active' : ''}>
            Protocols
          </a>
          <a href="#/peers" class={screen === 'peers' ? 'active' : ''}>
            Peers
          </a>
        </nav>
        <span class="user">
          {session.user}{' '}
          <button type="button" onClick={logout}>
            Log out
          </button>
        </span>
      </header>
      <main>
        {screen === 'flow' && <FlowScreen flowId={decodeURIComponent(flowMatch![1]!)} node={session.node} />}
        {screen === 'flows' && <FlowsScreen />}
        {(screen === 'protocols' || screen === 'peers') && <OtherScreens screen={screen} node={session.node} />}
      </main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
