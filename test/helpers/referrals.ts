import { randomUUID } from 'node:crypto'
import { addMonths, belgianDate } from '../../src/domain/dates.ts'

export const today = () => belgianDate(new Date())
export const KNOWN_INSZ = '85073003328'

/** A valid INSZ for a birth date (1900s), so tests can have many different mothers. */
export function inszFor(birthDate: string, serial: number): string {
  const yymmdd = birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10)
  const body = Number(yymmdd + String(serial).padStart(3, '0'))
  const century2000 = birthDate.startsWith('20')
  const check = 97 - ((century2000 ? 2_000_000_000 + body : body) % 97)
  return `${yymmdd}${String(serial).padStart(3, '0')}${String(check).padStart(2, '0')}`
}

/** A valid referral of a pregnant mother; synthetic data only. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into and vary any field of the body
export function referralBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    externalReference: `EPD-${randomUUID()}`,
    mother: {
      givenName: 'Samira',
      familyName: 'Testmoeder',
      birthDate: '1985-07-30',
      insz: KNOWN_INSZ,
      phone: '+32 470 12 34 56',
      email: 'samira@example.org',
      address: { street: 'Voorbeeldstraat', houseNumber: '12', postalCode: '2800', municipality: 'Mechelen' },
      preferredLanguage: 'nl',
      interpreterNeeded: false
    },
    pregnancy: { expectedDeliveryDate: addMonths(today(), 3) },
    household: { livesAloneWithChildren: true, numberOfChildren: 1 },
    screening: {
      income: 'vulnerable',
      employment: 'vulnerable',
      education: 'unknown',
      housing: 'vulnerable',
      childDevelopment: 'not_vulnerable',
      health: 'unknown',
      incomeSource: 'none',
      housingSituation: 'overcrowded'
    },
    needs: ['income', 'housing'],
    reason: 'Geen inkomen, overbewoonde woning, zwanger van tweede kind.',
    urgency: 'routine',
    consent: {
      givenAt: new Date(Date.now() - 3600_000).toISOString(),
      recordedBy: 'Sociale dienst materniteit',
      method: 'verbal',
      sharingScope: ['programme', 'ocmw', 'housing', 'child_family']
    },
    referrerContact: { name: 'An Maatschappelijk Werker', phone: '+32 15 00 00 00' },
    ...overrides
  }
}
