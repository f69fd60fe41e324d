/**
 * What a protocol file left running: the process's active resources (timers, servers, sockets, watchers)
 * counted by kind, before and after it loaded.
 */
export type ResourceCounts = ReadonlyMap<string, number>

export function resourceCounts(): ResourceCounts {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}

/** The kinds of resource that are more numerous now than in `before`, e.g. `Timeout`, `TCPServerWrap`. */
export function leftoverResources(before: ResourceCounts): string[] {
  return [...resourceCounts()].filter(([kind, count]) => count > (before.get(kind) ?? 0)).map(([kind]) => kind)
}
