// Issue 10 figures (BENCH_ONLY=scan): how long from a customer's card appearing before the
// camera to their profile on screen, and what the scanner costs the JavaScript every page loads.
//
// The camera is Chromium's fake device playing a video made here (bwip-js draws the card, ffmpeg
// makes the video): one second of nothing, then the card. The page itself notes the first video
// frame that shows the card (a watcher on the scanner's <video>) and the moment the profile's
// heading appears, so neither Playwright's round trips nor the camera's start-up are counted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRelay } from '../tests/support/relay';
import { barcodeVideo, cameraBrowser } from '../tests/support/fake-camera';
import type { AppWindow } from '../tests/support/tablet';
import { cardNumber } from '../src/lib/domain/cards';
import { emptyDraft } from '../src/lib/domain/customer';
import { initialJs } from './initial-js';

type Record = (figure: string, value: string, aim?: string) => void;

const RUNS = 7;
const CARD = cardNumber({ prefix: '29', start: 1, end: 9_999_999_999 }, 31_337);
/** Initial JavaScript of the build before the scanner (the commit is named in the file; see bench/README.md). */
const BASELINE = JSON.parse(readFileSync(resolve('bench/scan-baseline.json'), 'utf8')) as { commit: string; initialJsGzip: number };

interface Watch {
	appeared: number | null;
	shown: number | null;
}

export async function benchScan(record: Record): Promise<void> {
	console.log('Scanning benchmark: fake camera, card → profile');
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-scan-'));
	const videoDir = mkdtempSync(join(tmpdir(), 'shop-crm-bench-scan-video-'));
	const relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const browser = await cameraBrowser(await barcodeVideo(videoDir, 'ean13', CARD, { blankSeconds: 1, seconds: 2 }));
	try {
		const origin = new URL(relay.url).origin;
		const fresh = async () => {
			const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
			await context.grantPermissions(['camera'], { origin });
			// tsx names the functions inside page.evaluate() with a helper the page lacks.
			await context.addInitScript('globalThis.__name = (f) => f');
			return { context, page: await context.newPage() };
		};

		// Initial JavaScript: the customer list, as a till opens it; then what opening the scanner adds.
		{
			const { context, page } = await fresh();
			const measured = await initialJs(page, relay.url);
			// Page and workers together, as the baseline was taken.
			const first = { bytes: measured.bytes + measured.workerBytes, scripts: measured.scripts };
			const lazy = new Set<string>();
			page.on('response', (r) => {
				if (r.request().resourceType() === 'script') lazy.add(new URL(r.url()).pathname);
			});
			await page.getByRole('button', { name: 'Scan card' }).click();
			await page.locator('dialog video').waitFor();
			await page.waitForTimeout(1500);
			const delta = first.bytes - BASELINE.initialJsGzip;
			record('Initial JavaScript (gzip), customer list, with the scanner', `${(first.bytes / 1024).toFixed(1)} KB`, `before: ${(BASELINE.initialJsGzip / 1024).toFixed(1)} KB`);
			// What grows is the app-wide part (wedge listener, scan routing, card numbers); the camera is lazy.
			record(`&nbsp;&nbsp;change from before the scanner (${BASELINE.commit})`, `${delta >= 0 ? '+' : ''}${(delta / 1024).toFixed(1)} KB`, 'no camera code in it');
			const later = [...lazy].filter((p) => !first.scripts.includes(p));
			let lazyBytes = 0;
			for (const p of later) lazyBytes += gzipSync(readFileSync(join('build', p))).length;
			record('&nbsp;&nbsp;loaded only when the scanner first opens (dialogs, camera, ZXing)', `${(lazyBytes / 1024).toFixed(1)} KB in ${later.length} file(s)`);
			await context.close();
		}

		// One tablet, as at a till: the first scan after opening the app (its scanning code not yet
		// loaded), then RUNS more, each from a freshly loaded customer list.
		const { context, page } = await fresh();
		await page.goto(relay.url + '/customers');
		await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
		const draft = { ...emptyDraft(new Date().toISOString(), 'main'), firstName: 'Ada', lastName: 'Lovelace', cards: [CARD] };
		await page.evaluate((d) => (globalThis as AppWindow).shopCrm.customers.create(d), draft);
		const times: number[] = [];
		let cold = 0;
		for (let run = 0; run <= RUNS; run++) {
			if (run > 0) {
				await page.goto(relay.url + '/customers');
				await page.waitForFunction(() => (globalThis as AppWindow).shopCrm?.ready);
			}
			await page.evaluate(() => {
				const w = globalThis as unknown as { __scan: Watch };
				w.__scan = { appeared: null, shown: null };
				// The first frame with dark pixels in it: the card has come into view.
				const watchVideo = () => {
					const video = document.querySelector<HTMLVideoElement>('dialog video');
					if (!video) return void requestAnimationFrame(watchVideo);
					const canvas = document.createElement('canvas');
					canvas.width = 64;
					canvas.height = 48;
					const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
					const check = () => {
						if (w.__scan.appeared !== null) return;
						if (video.videoWidth) {
							ctx.drawImage(video, 0, 0, 64, 48);
							const px = ctx.getImageData(0, 0, 64, 48).data;
							for (let i = 0; i < px.length; i += 4) {
								if (px[i] < 80) {
									w.__scan.appeared = performance.now();
									return;
								}
							}
						}
						video.requestVideoFrameCallback(check);
					};
					video.requestVideoFrameCallback(check);
				};
				watchVideo();
				new MutationObserver(() => {
					if (w.__scan.shown === null && document.querySelector('h1')?.textContent?.includes('Ada Lovelace')) w.__scan.shown = performance.now();
				}).observe(document.body, { subtree: true, childList: true, characterData: true });
			});
			await page.getByRole('button', { name: 'Scan card' }).click();
			await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor({ timeout: 30_000 });
			const watch = await page.evaluate(() => (globalThis as unknown as { __scan: Watch }).__scan);
			if (watch.appeared === null || watch.shown === null) throw new Error(`scan bench: card or profile not seen (${JSON.stringify(watch)})`);
			if (run === 0) cold = watch.shown - watch.appeared;
			else times.push(watch.shown - watch.appeared);
		}
		await context.close();
		times.sort((a, b) => a - b);
		const median = times[Math.floor(times.length / 2)];
		record("Card before the camera → customer's profile shown: first scan after opening the app", `${cold.toFixed(0)} ms`, '< 1 s');
		record(
			`Card before the camera → customer's profile shown: median / worst of the next ${RUNS}`,
			`${median.toFixed(0)} ms / ${times.at(-1)!.toFixed(0)} ms`,
			'< 1 s'
		);
	} finally {
		await browser.close();
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(videoDir, { recursive: true, force: true });
	}
}
