import { formatNumber, labelOf, message, type Language } from '../i18n/index.ts'
import type { MessageKey } from '../i18n/messages.ts'
import type { DomainProgress, Figure, ImpactReport } from './impact-report.ts'
import {
  LIFE_DOMAIN_LABELS,
  SCREENING_CRITERIA,
  SCREENING_CRITERION_LABELS,
  TRACK_LABELS,
  TRACKS
} from './vocabulary.ts'

/**
 * The report's charts as standalone SVG, drawn from the figures alone (no browser, no script), in
 * the impact study's style: both tracks side by side, n per track, the scale drawn, programme and
 * period in the title. Withheld figures are left out and said to be.
 */

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const COLOURS = { opkomst: '#2a7ab0', opkomst_plus: '#c2185b', start: '#f5a623' } as const
const FONT = 'DejaVu Sans, Arial, sans-serif'

export interface ChartTitle {
  title: string
  subtitle: string
}

function frame(width: number, height: number, heading: ChartTitle, body: string[]): string {
  return `${[
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="13" role="img" aria-labelledby="title">`,
    `<title id="title">${escapeXml(`${heading.title}. ${heading.subtitle}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(heading.title)}</text>`,
    `<text x="${width / 2}" y="50" text-anchor="middle" font-size="13" fill="#444444">${escapeXml(heading.subtitle)}</text>`,
    ...body,
    '</svg>'
  ].join('\n')}\n`
}

/** One radar of mean start and end scores per domain, on the 1–5 scale, centred at (cx, cy). */
function radar(
  cx: number,
  cy: number,
  progress: readonly DomainProgress[],
  language: Language,
  colour: string
): string[] {
  const shown = progress.filter((p) => !p.suppressed && p.meanStart !== null && p.meanEnd !== null)
  const radius = 150
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / Math.max(shown.length, 1)
  const at = (i: number, score: number) => {
    const r = (radius * (score - 1)) / 4
    return [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))] as const
  }
  const parts: string[] = []
  for (let level = 1; level <= 5; level++) {
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="${((radius * (level - 1)) / 4).toFixed(1)}" fill="none" stroke="#dddddd"/>`
    )
    parts.push(
      `<text class="scale" x="${cx + 3}" y="${(cy - (radius * (level - 1)) / 4 - 2).toFixed(1)}" font-size="10" fill="#888888">${level}</text>`
    )
  }
  if (shown.length < 3) {
    parts.push(
      `<text x="${cx}" y="${cy + radius + 30}" text-anchor="middle" font-size="12">${escapeXml(message(language, 'report.chart.none'))}</text>`
    )
    return parts
  }
  shown.forEach((p, i) => {
    const [x, y] = at(i, 5)
    const [lx, ly] = at(i, 5.5)
    const anchor = Math.abs(lx - cx) < 10 ? 'middle' : lx > cx ? 'start' : 'end'
    parts.push(`<line x1="${cx}" y1="${cy}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#bbbbbb"/>`)
    parts.push(
      `<text class="axis-label" x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" text-anchor="${anchor}" dominant-baseline="middle" font-size="11">${escapeXml(labelOf(LIFE_DOMAIN_LABELS, p.domain, language))}</text>`
    )
  })
  const polygon = (key: 'meanStart' | 'meanEnd', cls: string, stroke: string, dash: string) =>
    `<polygon class="${cls}" points="${shown
      .map((p, i) =>
        at(i, p[key] as number)
          .map((v) => v.toFixed(1))
          .join(',')
      )
      .join(' ')}" fill="${stroke}" fill-opacity="0.2" stroke="${stroke}" stroke-width="2"${dash}/>`
  parts.push(polygon('meanStart', 'start', COLOURS.start, ' stroke-dasharray="6 4"'))
  parts.push(polygon('meanEnd', 'end', colour, ''))
  return parts
}

/** Mean scores at the start and the end per life domain, Opkomst and Opkomst+ side by side, each with its n. */
export function progressChart(report: ImpactReport, heading: ChartTitle, language: Language): string {
  const width = 1000
  const height = 560
  const body: string[] = []
  TRACKS.forEach((track, i) => {
    const cx = 250 + i * 500
    const progress = report.tracks[track].progressByDomain
    const ns = progress.map((p) => p.n).filter((n): n is number => n !== null)
    const n = ns.length === 0 ? '–' : String(Math.max(...ns))
    body.push(
      `<text class="panel" x="${cx}" y="90" text-anchor="middle" font-size="15" font-weight="bold" fill="${COLOURS[track]}">${escapeXml(`${labelOf(TRACK_LABELS, track, language)} (n = ${n})`)}</text>`,
      ...radar(cx, 300, progress, language, COLOURS[track])
    )
  })
  body.push(
    `<g class="legend" font-size="12" transform="translate(30, ${height - 40})">`,
    `<rect width="14" height="14" fill="${COLOURS.start}" fill-opacity="0.5" stroke="${COLOURS.start}"/><text x="20" y="12">${escapeXml(message(language, 'report.chart.start'))}</text>`,
    `<rect x="120" width="14" height="14" fill="${COLOURS.opkomst}" fill-opacity="0.5"/><rect x="136" width="14" height="14" fill="${COLOURS.opkomst_plus}" fill-opacity="0.5"/><text x="156" y="12">${escapeXml(message(language, 'report.chart.end'))}</text>`,
    `<text x="260" y="12" fill="#444444">${escapeXml(message(language, 'report.chart.scoresTitle'))}</text>`,
    '</g>'
  )
  return frame(width, height, heading, body)
}

/** The shares of the start profile and of group work, a bar per track, as percentages. */
export function sharesChart(report: ImpactReport, heading: ChartTitle, language: Language): string {
  const rows: Array<{ label: string; of: (f: ImpactReport['overall']) => Figure }> = [
    { label: message(language, 'figure.sharePregnantAtStart'), of: (f) => f.sharePregnantAtStart },
    { label: message(language, 'figure.shareWithoutIncome'), of: (f) => f.shareWithoutIncome },
    { label: message(language, 'figure.shareBadHousing'), of: (f) => f.shareBadHousing },
    { label: message(language, 'figure.shareLivingAlone'), of: (f) => f.shareLivingAlone },
    ...SCREENING_CRITERIA.map((c) => ({
      label: message(language, 'figure.criteria' as MessageKey, {
        criterion: labelOf(SCREENING_CRITERION_LABELS, c, language)
      }),
      of: (f: ImpactReport['overall']) => f.criteria[c]
    })),
    { label: message(language, 'figure.shareInGroupSessions'), of: (f) => f.shareInGroupSessions }
  ]
  const left = 330
  const barWidth = 560
  const rowHeight = 40
  const top = 100
  const width = 1000
  const height = top + rows.length * rowHeight + 60
  const body: string[] = []
  for (let pct = 0; pct <= 100; pct += 25) {
    const x = left + (barWidth * pct) / 100
    body.push(
      `<line x1="${x}" y1="${top - 10}" x2="${x}" y2="${top + rows.length * rowHeight}" stroke="#eeeeee"/>`,
      `<text class="scale" x="${x}" y="${top - 14}" text-anchor="middle" font-size="10" fill="#888888">${pct}%</text>`
    )
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight
    body.push(
      `<text class="axis-label" x="${left - 10}" y="${y + 20}" text-anchor="end" font-size="12">${escapeXml(row.label)}</text>`
    )
    TRACKS.forEach((track, j) => {
      const f = row.of(report.tracks[track])
      const by = y + 4 + j * 16
      if (f.value === null) {
        body.push(
          `<text x="${left + 4}" y="${by + 11}" font-size="10" fill="#888888">${escapeXml(`${labelOf(TRACK_LABELS, track, language)}: ${message(language, 'report.suppressed')}`)}</text>`
        )
        return
      }
      const w = Math.max(1, barWidth * f.value)
      body.push(
        `<rect class="bar ${track}" x="${left}" y="${by}" width="${w.toFixed(1)}" height="14" fill="${COLOURS[track]}"/>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${by + 11}" font-size="10">${escapeXml(`${formatNumber(f.value * 100, language, 0)}% (n = ${f.n})`)}</text>`
      )
    })
  })
  body.push(`<g class="legend" font-size="12" transform="translate(${left}, ${height - 36})">`)
  TRACKS.forEach((track, j) => {
    body.push(
      `<rect x="${j * 140}" width="14" height="14" fill="${COLOURS[track]}"/><text x="${j * 140 + 20}" y="12">${escapeXml(labelOf(TRACK_LABELS, track, language))}</text>`
    )
  })
  body.push('</g>')
  return frame(width, height, heading, body)
}
