/** JSON with object keys sorted, so two bodies that mean the same hash the same. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null'
  // Built by concatenation: the entry arrays of a map-sort-join showed in an intake's allocations.
  let out = ''
  if (Array.isArray(value)) {
    for (const item of value) out += (out === '' ? '' : ',') + canonicalJson(item)
    return `[${out}]`
  }
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key]
    if (field !== undefined) out += `${(out === '' ? '' : ',') + JSON.stringify(key)}:${canonicalJson(field)}`
  }
  return `{${out}}`
}
