import { chromium } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/support/env';
import { startRelay } from '../../tests/support/relay';
const N = Number(process.env.N ?? 10000);
const dataDir = mkdtempSync(join(tmpdir(), 'mr-'));
const relay = await startRelay({ staticDir: resolve('build'), dataDir });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
const page = await browser.newPage();
page.on('console', (m) => { if (m.text().includes('TIMING')) console.log(m.text()); });
page.on('worker', (w) => w.on('console', (m) => { if (m.text().includes('TIMING')) console.log('W', m.text()); }));
page.setDefaultTimeout(1_800_000);
await page.goto(relay.url + '/settings');
await page.waitForFunction(() => (globalThis as any).shopCrm?.ready);
const t0 = Date.now();
await page.evaluate(async (n) => { const s = (globalThis as any).shopCrm; await s.loadDemoShop(n, undefined, { salesPerCustomer: 5 }); await s.derive.idle(); }, N);
console.log('load+derive', Date.now() - t0, 'ms', loadavg()[0]);
for (let i = 0; i < 2; i++) {
const r = await page.evaluate(async () => { const s = (globalThis as any).shopCrm; const t = performance.now(); await s.derive.rebuild(); return { ms: performance.now() - t, n: await s.db.customerStats.count(), sales: await s.db.sales.count() }; });
console.log('rebuild', JSON.stringify(r), loadavg()[0]);
}
await browser.close(); await relay.stop();
