/** A programme and the postal codes it serves. */
export interface Programme {
  id: string
  serviceArea: readonly string[]
}

export type Routing = { programmeId: string } | { problem: { pointer: string; message: string } }

/**
 * Where a referral goes: to the programme it names, else to the only programme serving
 * the mother's postal code, else to the only programme there is. Anything else is the referrer's to
 * settle by naming one.
 */
export function routeReferral(
  programmes: readonly Programme[],
  programmeId: string | undefined,
  postalCode: string | undefined
): Routing {
  if (programmeId !== undefined) {
    return programmes.some((p) => p.id === programmeId)
      ? { programmeId }
      : { problem: { pointer: '/programmeId', message: 'is not a programme organisation' } }
  }
  const serving = postalCode === undefined ? [] : programmes.filter((p) => p.serviceArea.includes(postalCode))
  if (serving.length === 1) return { programmeId: serving[0]!.id }
  if (programmes.length === 1) return { programmeId: programmes[0]!.id }
  // The postal code is part of her address: the answer names whether one was given, not which.
  return {
    problem: {
      pointer: '/programmeId',
      message:
        postalCode === undefined
          ? 'no address given and more than one programme; give programmeId'
          : "no single programme serves the mother's postal code; give programmeId"
    }
  }
}

/**
 * The postal codes `serviceArea` would share with another programme, by that programme: an overlap
 * would leave those codes with no single programme, so routing by postal code would fail there.
 */
export function serviceAreaOverlaps(
  programmes: readonly Programme[],
  self: string | null,
  serviceArea: readonly string[]
): { programmeId: string; postalCodes: string[] }[] {
  return programmes
    .filter((p) => p.id !== self)
    .map((p) => ({ programmeId: p.id, postalCodes: serviceArea.filter((code) => p.serviceArea.includes(code)) }))
    .filter((o) => o.postalCodes.length > 0)
}
