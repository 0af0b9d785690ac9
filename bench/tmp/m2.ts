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
page.setDefaultTimeout(1_800_000);
await page.goto(relay.url + '/settings');
await page.waitForFunction(() => (globalThis as any).shopCrm?.ready);
const t0 = Date.now();
await page.evaluate(async (n) => { const s = (globalThis as any).shopCrm; await s.loadDemoShop(n, undefined, { salesPerCustomer: 5 }); await s.derive.idle(); }, N);
console.log('load+derive', Date.now() - t0, 'ms', loadavg()[0]);
for (const mode of [false, true, false, true]) {
const r = await page.evaluate(async (mode) => { const s = (globalThis as any).shopCrm; await s.db.kv.put({ key: 'bench.pipeline', value: mode }); await s.db.customerStats.clear(); const t = performance.now(); await s.derive.rebuild(); const ms = performance.now() - t;
  const t2 = performance.now(); const all = await s.db.sales.toArray(); const raw = performance.now() - t2;
  return { ms, raw, n: await s.db.customerStats.count(), sales: all.length }; }, mode);
console.log(mode ? 'pipelined' : 'sequential', JSON.stringify(r), loadavg()[0]);
}
await browser.close(); await relay.stop();
