/**
 * Small-cell suppression with complementary suppression, for every count the impact report
 * publishes. A count of 1 to `minCell − 1` people is withheld (primary). Counts are tied by sums
 * the report also publishes (overall = Opkomst + Opkomst+; a total = its categories), so one
 * withheld number in a sum could be recovered by subtraction: in every such relation a second
 * number is withheld too (complementary), the smallest non-zero one of the parts, else the total.
 * This repeats until no relation holds exactly one withheld number.
 *
 * The reader is assumed to know every published number and that counts are whole and not
 * negative; test/domain/suppression.test.ts checks by enumeration that no withheld number is
 * then determined. A zero is published: it says nobody, which identifies nobody, and a zero is
 * never chosen as a complement (a published zero total would pin it).
 */

/** A sum the report publishes: `total` = the sum of `parts`, each a key of the counts. */
export interface Relation {
  total: string
  parts: readonly string[]
}

/** The keys of `counts` to withhold. */
export function suppressedKeys(
  counts: ReadonlyMap<string, number>,
  relations: readonly Relation[],
  minCell: number
): Set<string> {
  const withheld = new Set<string>()
  for (const [key, value] of counts) if (value > 0 && value < minCell) withheld.add(key)
  const value = (key: string) => counts.get(key) ?? 0
  let changed = true
  while (changed) {
    changed = false
    for (const r of relations) {
      const members = [r.total, ...r.parts].filter((k) => counts.has(k))
      if (members.filter((k) => withheld.has(k)).length !== 1) continue
      const candidates = r.parts
        .filter((k) => counts.has(k) && !withheld.has(k) && value(k) > 0)
        .sort((a, b) => value(a) - value(b))
      const complement = candidates[0] ?? (withheld.has(r.total) ? undefined : r.total)
      if (complement === undefined) continue
      withheld.add(complement)
      changed = true
    }
  }
  return withheld
}
