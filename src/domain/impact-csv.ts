import { labelOf, message, type Language } from '../i18n/index.ts'
import type { MessageKey } from '../i18n/messages.ts'
import { HANDOFF_STATUS_LABELS } from './handoffs.ts'
import type { Count, Figure, Figures, ImpactReport, Quantiles } from './impact-report.ts'
import { OUTCOMES, REASON_CODES } from './reason-codes.ts'
import {
  LIFE_DOMAIN_LABELS,
  ORGANISATION_TYPE_LABELS,
  SCREENING_CRITERIA,
  SCREENING_CRITERION_LABELS,
  TRACKS
} from './vocabulary.ts'

/** One published number: its machine code, its label, the track (`all`), a category, and how it stands. */
export interface ReportRow {
  code: string
  label: string
  track: string
  category: string
  value: number | null
  n: number | null
  suppressed: boolean
}

/** Every number of the report as rows, labelled in `language`: the CSV, and the printable page's tables. */
export function reportRows(report: ImpactReport, language: Language): ReportRow[] {
  const rows: ReportRow[] = []
  const label = (key: MessageKey, params: Record<string, string> = {}) => message(language, key, params)
  const count = (code: string, c: Count, track: string, category = '', text = label(`figure.${code}` as MessageKey)) =>
    rows.push({ code, label: text, track, category, value: c.value, n: null, suppressed: c.suppressed })
  const figure = (
    code: string,
    f: Figure,
    track: string,
    category = '',
    text = label(`figure.${code}` as MessageKey)
  ) => rows.push({ code, label: text, track, category, value: f.value, n: f.n, suppressed: f.suppressed })
  const quantiles = (
    code: string,
    q: Quantiles,
    track: string,
    category = '',
    text = label(`figure.${code}` as MessageKey)
  ) => {
    for (const part of ['median', 'p90'] as const)
      rows.push({
        code: `${code}.${part}`,
        label: `${text}, ${label(`report.${part}`)}`,
        track,
        category,
        value: q[part],
        n: q.n,
        suppressed: q.suppressed
      })
  }
  const scope = (track: string, f: Figures) => {
    for (const code of [
      'mothersInGuidance',
      'mothersStarted',
      'mothersReached',
      'mothersNotReached',
      'guidanceCompleted',
      'guidanceDroppedOut',
      'childrenReached'
    ] as const)
      count(code, f[code], track)
    for (const code of ['meanAgeAtStart', 'sharePregnantAtStart', 'meanPregnancyMonthAtStart'] as const)
      figure(code, f[code], track)
    for (const c of SCREENING_CRITERIA)
      figure(
        'criteria',
        f.criteria[c],
        track,
        c,
        label('figure.criteria', { criterion: labelOf(SCREENING_CRITERION_LABELS, c, language) })
      )
    for (const code of ['shareWithoutIncome', 'shareBadHousing', 'shareLivingAlone', 'shareInGroupSessions'] as const)
      figure(code, f[code], track)
    for (const part of ['sessionsHeld', 'attendances', 'meanAttendance'] as const)
      rows.push({
        code: `groupWork.${part}`,
        label: label(`figure.groupWork.${part}`),
        track,
        category: '',
        value: f.groupWork[part],
        n: null,
        suppressed: false
      })
    quantiles('guidanceDays', f.guidanceDays, track)
    for (const p of f.progressByDomain)
      for (const part of ['meanStart', 'meanEnd', 'shareImproved'] as const)
        rows.push({
          code: `progress.${part}`,
          label: `${label(`figure.progress.${part}`)}: ${labelOf(LIFE_DOMAIN_LABELS, p.domain, language)}`,
          track,
          category: p.domain,
          value: p[part],
          n: p.n,
          suppressed: p.suppressed
        })
  }
  scope('all', report.overall)
  for (const t of TRACKS) scope(t, report.tracks[t])
  count('referralsReceived', report.referralsReceived, 'all')
  for (const s of report.sources) {
    const source = labelOf(ORGANISATION_TYPE_LABELS, s.organisationType, language)
    const of = (key: MessageKey) => `${label(key)}: ${source}`
    count('sources.referrals', s.referrals, 'all', s.organisationType, of('figure.sources.referrals'))
    figure('sources.shareAccepted', s.shareAccepted, 'all', s.organisationType, of('figure.sources.shareAccepted'))
    quantiles(
      'sources.daysToAcceptance',
      s.daysToAcceptance,
      'all',
      s.organisationType,
      of('figure.sources.daysToAcceptance')
    )
    quantiles(
      'sources.daysToFirstContact',
      s.daysToFirstContact,
      'all',
      s.organisationType,
      of('figure.sources.daysToFirstContact')
    )
  }
  for (const o of report.outcomes)
    count('outcomes', o.count, 'all', o.code, `${label('figure.outcomes')}: ${labelOf(OUTCOMES, o.code, language)}`)
  for (const o of report.dropOutReasons)
    count(
      'dropOutReasons',
      o.count,
      'all',
      o.code,
      `${label('figure.dropOutReasons')}: ${labelOf(REASON_CODES, o.code, language)}`
    )
  for (const part of ['granted', 'allocated', 'expired'] as const)
    count(`housingPriority.${part}`, report.housingPriority[part], 'all')
  count('incomeSupport.handoffs', report.incomeSupport.handoffs, 'all')
  for (const s of report.incomeSupport.byStatus)
    count(
      'incomeSupport.byStatus',
      s.count,
      'all',
      s.status,
      `${label('figure.incomeSupport.byStatus')}: ${labelOf(HANDOFF_STATUS_LABELS, s.status, language)}`
    )
  return rows
}

export type CsvDialect = 'excel-nl' | 'rfc4180'

/**
 * The rows as CSV, CRLF line ends and a header row. `excel-nl` is what Dutch-language Excel opens as
 * columns: `;` between fields, a decimal comma, and a UTF-8 byte-order mark so that `ë` stays `ë`;
 * `rfc4180` is RFC 4180 with a decimal point, for programs.
 */
export function reportCsv(rows: readonly ReportRow[], dialect: CsvDialect, language: Language): string {
  const separator = dialect === 'excel-nl' ? ';' : ','
  const quote = (field: string) =>
    field.includes(separator) || /["\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field
  const number = (v: number | null) =>
    v === null ? '' : dialect === 'excel-nl' ? String(v).replace('.', ',') : String(v)
  const header = (
    ['csv.code', 'csv.label', 'csv.track', 'csv.category', 'csv.value', 'csv.n', 'csv.suppressed'] as const
  ).map((k) => message(language, k))
  const lines = [
    header,
    ...rows.map((r) => [
      r.code,
      r.label,
      r.track,
      r.category,
      number(r.value),
      number(r.n),
      message(language, r.suppressed ? 'csv.yes' : 'csv.no')
    ])
  ].map((fields) => fields.map(quote).join(separator))
  return `${dialect === 'excel-nl' ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`
}
