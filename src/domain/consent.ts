/**
 * The mother's consent as data: each version is kept. `given`: the first, or one after a
 * withdrawal; `changed`: its scope widened or narrowed; `withdrawn`: she took it back.
 */
export type ConsentKind = 'given' | 'changed' | 'withdrawn'

export interface ConsentChange {
  kind: 'given' | 'changed'
  /** Organisation types the new consent no longer names: their open handoffs end, their access with them. */
  removed: string[]
  added: string[]
}

/** What a new consent changes against the one that stands (or stood, before a withdrawal). */
export function consentChange(
  current: { sharingScope: readonly string[]; withdrawn: boolean },
  next: { sharingScope: readonly string[] }
): ConsentChange {
  return {
    kind: current.withdrawn ? 'given' : 'changed',
    removed: current.sharingScope.filter((t) => !next.sharingScope.includes(t)),
    added: next.sharingScope.filter((t) => !current.sharingScope.includes(t))
  }
}

/** The open handoffs a scope no longer covers: their recipients are cut off with `consent_narrowed`. */
export function handoffsOutsideScope(
  open: ReadonlyArray<{ id: string; recipientType: string }>,
  sharingScope: readonly string[]
): string[] {
  return open.filter((h) => !sharingScope.includes(h.recipientType)).map((h) => h.id)
}
