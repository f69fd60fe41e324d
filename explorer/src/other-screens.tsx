/** Placeholder replaced below. */
export function OtherScreens({ screen }: { readonly screen: 'protocols' | 'peers' }) {
  return <p class="muted">{screen}</p>
}
