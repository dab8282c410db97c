// biome-ignore lint/suspicious/noExplicitAny: FHIR resources are read and changed field by field
export type Json = Record<string, any>

/**
 * Replaces one value somewhere in `resource` with `value`: `steps` pick a key at each level (by
 * index, wrapping) until a leaf or the last step. For fuzzing what a sender may get wrong.
 */
export function replaceSomewhere(resource: Json, steps: readonly number[], value: unknown): Json {
  let node: Json = resource
  for (const [i, step] of steps.entries()) {
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const key = keys[step % keys.length] as string
    if (i === steps.length - 1 || typeof node[key] !== 'object' || node[key] === null) {
      node[key] = value
      break
    }
    node = node[key]
  }
  return resource
}
