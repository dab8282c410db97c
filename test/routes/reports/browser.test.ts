import t from 'tap'
import { mkdir, stat } from 'node:fs/promises'
import { chromium } from 'playwright-core'
import { testContext } from '../../helpers/context.ts'
import { ROOT } from '../../helpers/processes.ts'
import { seedDemo } from '../../../src/seed-demo.ts'
import { belgianDate } from '../../../src/domain/dates.ts'

/**
 * The printable report as a person gets it: served over HTTP, opened in Debian's Chromium
 * (headless), with no console error (a style the page's Content-Security-Policy refused would be
 * one); printed to PDF in A4 and kept as a screenshot in test/artifacts/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ctx = await testContext(t)
const { parties } = await seedDemo(ctx.app.deps, { mothers: 60 })
const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
t.teardown(() => browser.close())

t.test('the report page renders in Chromium without a console error', async (t) => {
  const page = await browser.newPage({
    extraHTTPHeaders: { authorization: `Bearer ${parties.programme.key}`, 'accept-language': 'nl-BE,nl;q=0.9' },
    viewport: { width: 900, height: 1200 }
  })
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  const res = await page.goto(`${address}/reports/impact.html?from=2020-01-01&to=${belgianDate(new Date())}`)
  t.equal(res?.status(), 200)
  t.same(errors, [], 'no console error or warning')
  t.match(await page.locator('h1').textContent(), /^Impactrapport Opkomst Demo/)
  t.equal(await page.locator('figure svg').count(), 2, 'both charts inline')
  const styled = await page
    .locator('h2')
    .first()
    .evaluate((h) => getComputedStyle(h).borderBottomStyle)
  t.equal(styled, 'solid', 'the page’s own style applied')
  await mkdir(`${ROOT}test/artifacts`, { recursive: true })
  const shot = `${ROOT}test/artifacts/impact-report.png`
  await page.screenshot({ path: shot, fullPage: true })
  t.ok((await stat(shot)).size > 20_000, `screenshot at ${shot}`)
  const pdf = await page.pdf({ format: 'A4', printBackground: true })
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'prints to A4')
  await page.close()
})
