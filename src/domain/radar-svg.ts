import type { DomainProgress } from './impact-report.ts'

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const label = (domain: string) => domain.replace(/_/g, ' ')

/**
 * The progress per life domain as a radar chart, as the programme's impact study shows it: one
 * axis per domain on the 1–5 scale, the mean start score and the mean end score as two polygons.
 */
export function radarSvg(progress: readonly DomainProgress[], title: string): string {
  const shown = progress.filter((p) => !p.suppressed && p.meanStart !== null && p.meanEnd !== null)
  const width = 820
  const size = 640
  const cx = width / 2
  const cy = 300
  const radius = 200
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / Math.max(shown.length, 1)
  const point = (i: number, score: number) => {
    const r = (radius * (score - 1)) / 4
    return `${(cx + r * Math.cos(angle(i))).toFixed(1)},${(cy + r * Math.sin(angle(i))).toFixed(1)}`
  }
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size}" viewBox="0 0 ${width} ${size}" font-family="sans-serif" font-size="13" role="img" aria-labelledby="title">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${size}" fill="#ffffff"/>`,
    `<text x="${cx}" y="30" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`
  ]
  for (let level = 1; level <= 5; level++) {
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="${((radius * (level - 1)) / 4).toFixed(1)}" fill="none" stroke="#dddddd"/>`
    )
  }
  shown.forEach((p, i) => {
    const [x, y] = point(i, 5).split(',').map(Number) as [number, number]
    const [lx, ly] = point(i, 5.6).split(',').map(Number) as [number, number]
    const anchor = Math.abs(lx - cx) < 10 ? 'middle' : lx > cx ? 'start' : 'end'
    parts.push(`<line x1="${cx}" y1="${cy}" x2="${x}" y2="${y}" stroke="#bbbbbb"/>`)
    parts.push(
      `<text class="axis-label" x="${lx}" y="${ly}" text-anchor="${anchor}" dominant-baseline="middle">${escapeXml(label(p.domain))}</text>`
    )
  })
  if (shown.length === 0)
    parts.push(
      `<text x="${cx}" y="${cy}" text-anchor="middle">Not enough completed guidance to show (small groups are suppressed)</text>`
    )
  const polygon = (key: 'meanStart' | 'meanEnd', cls: string, fill: string, stroke: string, dash: string) =>
    `<polygon class="${cls}" points="${shown.map((p, i) => point(i, p[key] as number)).join(' ')}" fill="${fill}" fill-opacity="0.25" stroke="${stroke}" stroke-width="2"${dash}/>`
  parts.push(polygon('meanStart', 'start', '#f5a623', '#d4880f', ' stroke-dasharray="6 4"'))
  parts.push(polygon('meanEnd', 'end', '#2a7ab0', '#1d5a85', ''))
  parts.push(
    `<g class="legend" transform="translate(20, ${size - 50})">`,
    '<rect width="14" height="14" fill="#f5a623" fill-opacity="0.5" stroke="#d4880f"/><text x="20" y="12">start of guidance (mean score)</text>',
    '<rect y="20" width="14" height="14" fill="#2a7ab0" fill-opacity="0.5" stroke="#1d5a85"/><text x="20" y="32">end of guidance (mean score)</text>',
    '</g>',
    '</svg>'
  )
  return `${parts.join('\n')}\n`
}
