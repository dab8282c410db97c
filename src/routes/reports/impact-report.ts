import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponses } from '../../schemas/common.ts'
import { ImpactReport, impactReportExample, ReportQuery } from '../../schemas/impact-report.ts'
import { buildImpactReport } from '../../services/impact-report.ts'
import { callerOf } from '../request.ts'
import { impactCsv } from '../../domain/impact-report.ts'
import { radarSvg } from '../../domain/radar-svg.ts'

const config = { scope: ['reports:read', 'admin'], accessLog: false } as const

const reports: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/impact',
    {
      config,
      schema: {
        tags: ['impact'],
        operationId: 'getImpactReport',
        summary: "The programme's impact figures for a period",
        description:
          'Referrals accepted in [from, to), overall and per track. `Accept: text/csv` gives the same figures as CSV (one row per figure and track). Figures over fewer than REPORT_MIN_CELL referrals are null and `suppressed`.',
        querystring: ReportQuery,
        response: {
          200: {
            description: 'The report.',
            content: {
              'application/json': { schema: ImpactReport, example: impactReportExample() },
              'text/csv': {
                schema: Type.String({ maxLength: 100000, description: 'figure,track,domain,value,n,suppressed' }),
                example:
                  'figure,track,domain,value,n,suppressed\nmothersSupported,all,,80,80,false\nshareWithoutIncome,all,,0.42,80,false\nprogressByDomain,all,income,0.76,21,false\n'
              }
            }
          },
          ...problemResponses([400, 404])
        }
      }
    },
    async (request, reply) => {
      const report = await buildImpactReport(app.deps, callerOf(request, 'impact report'), request.query)
      if ((request.headers.accept ?? '').includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="impact.csv"')
          .send(impactCsv(report))
      }
      return reply.type('application/json; charset=utf-8').send(report)
    }
  )

  app.get(
    '/reports/impact/progress.svg',
    {
      config,
      schema: {
        tags: ['impact'],
        operationId: 'getImpactRadar',
        summary: 'Progress per life domain as a radar chart (SVG)',
        description: 'Mean start and end scores of completed guidance per domain (the chosen track, or all).',
        querystring: ReportQuery,
        response: {
          200: {
            description: 'A standalone SVG document.',
            content: {
              'image/svg+xml': {
                schema: Type.String({ maxLength: 200000, description: 'SVG.' }),
                example:
                  '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" role="img"><title>Progress per life domain</title>…</svg>'
              }
            }
          },
          ...problemResponses([400, 404])
        }
      }
    },
    async (request, reply) => {
      const report = await buildImpactReport(app.deps, callerOf(request, 'impact chart'), request.query)
      const figures = request.query.track === undefined ? report.overall : report.tracks[request.query.track]
      const title = `Progress per life domain, ${report.from} to ${report.to}${report.track === null ? '' : ` (${report.track})`}`
      return reply.type('image/svg+xml; charset=utf-8').send(radarSvg(figures.progressByDomain, title))
    }
  )
}

export default reports
