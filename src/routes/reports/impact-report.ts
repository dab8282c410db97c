import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Resvg } from '@resvg/resvg-js'
import { Type } from 'typebox'
import { problemResponses } from '../../schemas/common.ts'
import { ImpactReport, impactReportExample, ReportQuery } from '../../schemas/impact-report.ts'
import { buildImpactReport, programmeNames } from '../../services/impact-report.ts'
import { callerOf } from '../request.ts'
import { reportCsv, reportRows } from '../../domain/impact-csv.ts'
import { progressChart, sharesChart, type ChartTitle } from '../../domain/report-charts.ts'
import { REPORT_PAGE_CSP, reportPage } from '../../domain/report-page.ts'
import { addDays } from '../../domain/dates.ts'
import { labelOf, languageOf, message, type Language } from '../../i18n/index.ts'
import { TRACK_LABELS } from '../../domain/vocabulary.ts'

// Aggregates only: no row of any mother's record is read out, so nothing goes in the access log.
const config = { scope: 'reports:read', accessLog: false } as const
const WHO =
  'A programme reads its own figures; the city (organisation type `city`) those of the programmes in its area. The figures are defined in the README and below each field.'

type Query = { from: string; to: string; track?: 'opkomst' | 'opkomst_plus'; programmeId?: string; dialect?: string }

/** The report, its language and its title, as every rendition of it starts. */
async function prepare(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  request: FastifyRequest,
  query: Query,
  purpose: string
) {
  const language = languageOf(request.headers['accept-language'])
  const report = await buildImpactReport(app.deps, callerOf(request, purpose), query)
  const programmes = (await programmeNames(app.deps, report.programmeIds)).join(', ')
  const lastDay = addDays(report.to, -1)
  const track = report.track === null ? message(language, 'report.all') : labelOf(TRACK_LABELS, report.track, language)
  const heading: ChartTitle = {
    title: message(language, 'report.title', { programme: programmes }),
    subtitle: `${message(language, 'report.period', { from: report.from, last: lastDay })} · ${track}`
  }
  return { language, report, programmes, lastDay, heading }
}

function languageHeaders(reply: FastifyReply, language: Language): FastifyReply {
  return reply.header('content-language', language).header('vary', 'accept-language')
}

/** The SVG as PNG (for e-mail and print), drawn at twice its width with the system's DejaVu fonts. */
function png(svg: string): Buffer {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }
  }).render()
  return rendered.asPng()
}

const CHARTS = {
  progress: {
    draw: progressChart,
    summary: 'Progress per life domain, Opkomst and Opkomst+ side by side',
    description:
      'Mean start and end scores (1–5) per domain of guidance completed in the period, a radar per track with its n.'
  },
  shares: {
    draw: sharesChart,
    summary: 'The start profile and the reach of group work, per track',
    description:
      'Shares without income, in bad housing, single, per deprivation criterion and reached by group work: a bar per track with its n.'
  }
} as const

const reports: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/impact',
    {
      config,
      schema: {
        tags: ['impact'],
        operationId: 'getImpactReport',
        summary: 'The impact figures for a period',
        description: `${WHO} \`Accept: text/csv\` gives the same figures as CSV, a row per number with a header row in the caller's language (\`Accept-Language\`, Dutch by default); \`dialect\` chooses Dutch Excel's form or RFC 4180. Counts below REPORT_MIN_CELL are withheld, with a second number wherever the first could be derived from a total.`,
        querystring: ReportQuery,
        response: {
          200: {
            description: 'The report.',
            // Content-Disposition with CSV only.
            headers: {
              'content-language': { type: 'string' },
              'content-disposition': { type: 'string', optional: true }
            },
            content: {
              'application/json': { schema: ImpactReport, example: impactReportExample() },
              'text/csv': {
                schema: Type.String({
                  maxLength: 1000000,
                  description: 'code;omschrijving;traject;categorie;waarde;n;afgeschermd'
                }),
                example:
                  '\uFEFFcode;omschrijving;traject;categorie;waarde;n;afgeschermd\r\nmothersInGuidance;Mama’s in begeleiding;all;;80;;nee\r\nshareWithoutIncome;Zonder inkomen;all;;0,42;78;nee\r\n'
              }
            }
          },
          ...problemResponses([400, 404])
        }
      }
    },
    async (request, reply) => {
      const language = languageOf(request.headers['accept-language'])
      const report = await buildImpactReport(app.deps, callerOf(request, 'impact report'), request.query)
      languageHeaders(reply, language)
      if ((request.headers.accept ?? '').includes('text/csv')) {
        const dialect = request.query.dialect ?? 'excel-nl'
        const generated = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13)
        const name = `opkomst-impact_${report.from}_${addDays(report.to, -1)}_${report.track ?? 'all'}_${generated}Z.csv`
        return reply
          .type(`text/csv; charset=utf-8${dialect === 'excel-nl' ? '' : '; header=present'}`)
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(reportCsv(reportRows(report, language), dialect, language))
      }
      return reply.type('application/json; charset=utf-8').send(report)
    }
  )

  for (const [name, chart] of Object.entries(CHARTS)) {
    for (const format of ['svg', 'png'] as const) {
      const type = format === 'svg' ? 'image/svg+xml' : 'image/png'
      app.get(
        `/reports/impact/${name}.${format}`,
        {
          config,
          schema: {
            tags: ['impact'],
            operationId: `getImpact${name[0]!.toUpperCase()}${name.slice(1)}${format.toUpperCase()}`,
            summary: `${chart.summary} (${format.toUpperCase()})`,
            description: `${chart.description} Labels in the caller's language (Dutch by default). ${WHO}`,
            querystring: ReportQuery,
            response: {
              200: {
                description:
                  format === 'svg' ? 'A standalone SVG document.' : 'The same chart as PNG, at twice the size.',
                headers: { 'content-language': { type: 'string' } },
                content: {
                  [type]: {
                    schema:
                      format === 'svg'
                        ? Type.String({ maxLength: 500000, description: 'SVG.' })
                        : Type.String({ contentMediaType: 'image/png', maxLength: 5000000, description: 'PNG bytes.' }),
                    example:
                      format === 'svg'
                        ? '<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="560" role="img"><title id="title">Impactrapport …</title>…</svg>'
                        : '(PNG bytes)'
                  }
                }
              },
              ...problemResponses([400, 404])
            }
          }
        },
        async (request, reply) => {
          const { language, report, heading } = await prepare(
            app,
            request,
            request.query as Query,
            `impact chart ${name}`
          )
          const svg = chart.draw(report, heading, language)
          languageHeaders(reply, language)
          return format === 'svg'
            ? reply.type(`${type}; charset=utf-8`).send(svg)
            : reply.type(type).send(png(svg) as never)
        }
      )
    }
  }

  app.get(
    '/reports/impact.html',
    {
      config,
      onSend: async (_request, reply, payload) => {
        // After the service-wide headers: this page's own policy, its inline style allowed by hash.
        reply.header('content-security-policy', REPORT_PAGE_CSP)
        return payload
      },
      schema: {
        tags: ['impact'],
        operationId: 'getImpactReportPage',
        summary: 'The impact report as a printable page (A4)',
        description: `The figures, the charts, the definitions and the suppression note, in the caller's language (Dutch by default), laid out for printing. ${WHO}`,
        querystring: ReportQuery,
        response: {
          200: {
            description: 'An HTML document.',
            headers: { 'content-language': { type: 'string' } },
            content: {
              'text/html': {
                schema: Type.String({ maxLength: 2000000, description: 'HTML.' }),
                example: '<!doctype html><html lang="nl"><head><title>Impactrapport …</title></head>…</html>'
              }
            }
          },
          ...problemResponses([400, 404])
        }
      }
    },
    async (request, reply) => {
      const { language, report, programmes, lastDay, heading } = await prepare(
        app,
        request,
        request.query,
        'impact report page'
      )
      const page = reportPage({
        report,
        rows: reportRows(report, language),
        programmes,
        lastDay,
        generatedAt: new Date().toISOString().slice(0, 16).replace('T', ' '),
        charts: { progress: progressChart(report, heading, language), shares: sharesChart(report, heading, language) },
        language
      })
      return languageHeaders(reply, language).type('text/html; charset=utf-8').send(page)
    }
  )
}

export default reports
