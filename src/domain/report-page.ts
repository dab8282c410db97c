import { createHash } from 'node:crypto'
import { formatNumber, message, type Language } from '../i18n/index.ts'
import type { MessageKey } from '../i18n/messages.ts'
import type { ImpactReport } from './impact-report.ts'
import type { ReportRow } from './impact-csv.ts'
import { TRACK_LABELS, TRACKS } from './vocabulary.ts'

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Laid out for A4: the figures in tables, a chart per page where it fits, nothing interactive. */
const STYLE = `
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #1a1a1a; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }
p.meta { color: #444; margin: 0 0 1mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 2mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.withheld { color: #888; font-style: italic; }
figure { margin: 4mm 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
.note { font-size: 9pt; color: #444; }
`
/** The page's Content-Security-Policy: its one inline style by hash, nothing else runs or loads. */
export const REPORT_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

/** The sections of the page: which rows of the report each shows. */
const SECTIONS: Array<{ title: MessageKey; codes: RegExp; definition: MessageKey[] }> = [
  {
    title: 'report.reach',
    codes: /^(mothers|guidance(Completed|DroppedOut)$|childrenReached)/,
    definition: ['definition.mothersInGuidance', 'definition.mothersReached', 'definition.childrenReached']
  },
  {
    title: 'report.start',
    codes:
      /^(meanAgeAtStart|sharePregnantAtStart|meanPregnancyMonthAtStart|criteria|shareWithoutIncome|shareBadHousing|shareLivingAlone)$/,
    definition: ['definition.startProfile']
  },
  { title: 'report.groupWork', codes: /^(shareInGroupSessions|groupWork\.)/, definition: ['definition.groupWork'] },
  { title: 'report.progress', codes: /^progress\.shareImproved$/, definition: ['definition.progress'] }
]

function cell(row: ReportRow | undefined, language: Language): string {
  if (row === undefined) return '<td></td>'
  if (row.suppressed) return `<td class="withheld">${escapeHtml(message(language, 'report.suppressed'))}</td>`
  if (row.value === null) return '<td>–</td>'
  const share = /^share|criteria|progress\.shareImproved/.test(row.code)
  const text = share ? `${formatNumber(row.value * 100, language, 0)}%` : formatNumber(row.value, language, 1)
  return `<td>${escapeHtml(row.n === null ? text : `${text} (n = ${row.n})`)}</td>`
}

/** A table: a row per figure, a column for all tracks and one per track. */
function trackTable(rows: readonly ReportRow[], language: Language): string {
  const keys = [...new Set(rows.map((r) => `${r.code}|${r.category}`))]
  const head = [message(language, 'report.all'), ...TRACKS.map((t) => TRACK_LABELS[t][language])]
  const body = keys.map((key) => {
    const of = rows.filter((r) => `${r.code}|${r.category}` === key)
    const label = of[0]!.label
    return `<tr><td>${escapeHtml(label)}</td>${['all', ...TRACKS]
      .map((t) =>
        cell(
          of.find((r) => r.track === t),
          language
        )
      )
      .join('')}</tr>`
  })
  return `<table><thead><tr><th>${escapeHtml(message(language, 'report.figure'))}</th>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`
}

/** A table of figures of all tracks only (referrers, outcomes, housing). */
function listTable(rows: readonly ReportRow[], language: Language): string {
  if (rows.length === 0) return ''
  return `<table><tbody>${rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td>${cell(r, language)}</tr>`).join('')}</tbody></table>`
}

export interface PageInput {
  report: ImpactReport & { from: string; to: string; minCell: number }
  rows: readonly ReportRow[]
  programmes: string
  lastDay: string
  generatedAt: string
  charts: { progress: string; shares: string }
  language: Language
}

/** The printable report in the caller's language (Dutch by default): figures, charts, definitions, the suppression note. */
export function reportPage(input: PageInput): string {
  const { rows, language } = input
  const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
    escapeHtml(message(language, key, params))
  const sections = SECTIONS.map(
    (s) =>
      `<section><h2>${t(s.title)}</h2>${trackTable(
        rows.filter((r) => s.codes.test(r.code)),
        language
      )}</section>`
  )
  const overallOnly = (pattern: RegExp) =>
    listTable(
      rows.filter((r) => r.track === 'all' && pattern.test(r.code)),
      language
    )
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<title>${t('report.title', { programme: input.programmes })}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${t('report.title', { programme: input.programmes })}</h1>
<p class="meta">${t('report.period', { from: input.report.from, last: input.lastDay })}</p>
<p class="meta">${t('report.generatedAt', { at: input.generatedAt })}</p>
</header>
<main>
${sections.slice(0, 3).join('\n')}
<figure>${input.charts.shares}</figure>
${sections[3]}
<figure>${input.charts.progress}</figure>
<section><h2>${t('report.medical')}</h2>${overallOnly(/^(referralsReceived|sources\.)/)}</section>
<section><h2>${t('report.outcomes')}</h2>${overallOnly(/^(outcomes|dropOutReasons|guidanceDays)/)}</section>
<section><h2>${t('report.housing')}</h2>${overallOnly(/^(housingPriority|incomeSupport)/)}</section>
<section><h2>${t('report.definitions')}</h2>
${SECTIONS.flatMap((s) => s.definition)
  .concat(['definition.sources', 'definition.outcomes', 'definition.housing'])
  .map((d) => `<p>${t(d)}</p>`)
  .join('\n')}
<p class="note">${t('report.suppressionNote', { minCell: input.report.minCell })}</p>
</section>
</main>
</body>
</html>
`
}
