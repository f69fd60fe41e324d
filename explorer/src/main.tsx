/**
 * The Explorer page: the login form until a session exists, then the screens, routed by the URL's hash.
 * A screen is one entry of `screens` (its hash, its tab, what it shows).
 */
import { type JSX, render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { type SessionInfo, get, post, useSession } from './api.js'
import { FlowScreen } from './flow-screen.js'
import { FlowsScreen } from './flows-screen.js'
import { HospitalScreen } from './hospital-screen.js'
import { LoginForm } from './login-form.js'
import { OtherScreens } from './other-screens.js'
import { parseSubFlowPath } from './sub-flows.js'
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

interface Screen {
  readonly route: RegExp
  /** Its tab in the header; a screen without one is reached through another (`within`). */
  readonly tab?: string
  readonly href?: string
  readonly within?: string
  /** `param`: the route's first group, URI-decoded; `rest`: its second, as it is in the hash. */
  readonly show: (session: SessionInfo, param: string | undefined, rest: string | undefined) => JSX.Element
}

const screens: readonly Screen[] = [
  { route: /^#\/flows\/?$|^$/, tab: 'Flows', href: '#/flows', show: () => <FlowsScreen /> },
  {
    route: /^#\/flows\/([^/]+)\/sub\/(.+)$/,
    within: 'Flows',
    show: (session, flowId, path) => <FlowScreen flowId={flowId!} node={session.node} subFlow={parseSubFlowPath(path)} />,
  },
  { route: /^#\/flows\/(.+)$/, within: 'Flows', show: (session, flowId) => <FlowScreen flowId={flowId!} node={session.node} /> },
  { route: /^#\/protocols/, tab: 'Protocols', href: '#/protocols', show: (session) => <OtherScreens screen="protocols" node={session.node} /> },
  { route: /^#\/peers/, tab: 'Peers', href: '#/peers', show: (session) => <OtherScreens screen="peers" node={session.node} /> },
  { route: /^#\/hospital/, tab: 'Hospital', href: '#/hospital', show: () => <HospitalScreen /> },
]

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
  const current = screens.find((s) => s.route.test(hash)) ?? screens[0]!
  const match = current.route.exec(hash)
  return (
    <>
      <header>
        <strong>Colloquy Explorer</strong>
        <span class="node">node {session.node}</span>
        <nav>
          {screens
            .filter((s) => s.tab)
            .map((s) => (
              <a key={s.tab} href={s.href} class={current.tab === s.tab || current.within === s.tab ? 'active' : ''}>
                {s.tab}
              </a>
            ))}
        </nav>
        <span class="user">
          {session.user}{' '}
          <button type="button" onClick={logout}>
            Log out
          </button>
        </span>
      </header>
      <main>{current.show(session, match?.[1] === undefined ? undefined : decodeURIComponent(match[1]), match?.[2])}</main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
