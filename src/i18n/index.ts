import Negotiator from 'negotiator'
import { en, nl, type MessageKey, type Messages } from './messages.ts'

export const LANGUAGES = ['nl', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const CATALOGUES: Record<Language, Messages> = { nl, en }

/** The language of `Accept-Language` among ours (`en-GB` is English); Dutch without one or without a match. */
export function languageOf(acceptLanguage: string | undefined): Language {
  if (acceptLanguage === undefined || acceptLanguage.trim() === '') return 'nl'
  const chosen = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LANGUAGES])
  return (chosen as Language | undefined) ?? 'nl'
}

/** A sentence of the catalogue with its `{name}`s filled in. */
export function message(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return CATALOGUES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name])
  )
}

/** The label of a code in a vocabulary table, in `language`; the code itself when it has none. */
export function labelOf(table: Record<string, { nl: string; en: string }>, code: string, language: Language): string {
  return table[code]?.[language] ?? code
}

/** Numbers as the language writes them: 0,42 in Dutch. */
export function formatNumber(value: number, language: Language, digits = 1): string {
  return new Intl.NumberFormat(language === 'nl' ? 'nl-BE' : 'en-GB', { maximumFractionDigits: digits }).format(value)
}
