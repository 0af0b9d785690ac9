#!/usr/bin/env node
// Draws the app icon as SVG and rasterises it with the same Chromium the browser tests use,
// so regenerating icons needs no image tools beyond what `npm test` already requires.
// Usage: node scripts/make-icons.mjs   (writes static/icons/*.svg, *.png and static/favicon.png)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const iconsDir = join(root, 'static', 'icons');

const TEAL = '#0f5f5c';
const WHITE = '#ffffff';

// A shopping bag with a star on it: "shop" plus "loyalty" in one shape that survives 16 px.
// Drawn on a 512 grid centred on (256, 270) so it can be scaled about the centre.
const mark = `
	<path d="M206 214 V160 a50 50 0 0 1 100 0 V214" fill="none" stroke="${WHITE}" stroke-width="22" stroke-linecap="round"/>
	<path d="M146 196 H366 a14 14 0 0 1 14 13 L394 412 a24 24 0 0 1 -24 26 H142 a24 24 0 0 1 -24 -26 L132 209 a14 14 0 0 1 14 -13 Z" fill="${WHITE}"/>
	<path d="${starPath(256, 322, 62, 26)}" fill="${TEAL}"/>
`;

function starPath(cx, cy, outer, inner) {
	const points = [];
	for (let i = 0; i < 10; i++) {
		const radius = i % 2 === 0 ? outer : inner;
		const angle = -Math.PI / 2 + (i * Math.PI) / 5;
		points.push(`${(cx + radius * Math.cos(angle)).toFixed(1)} ${(cy + radius * Math.sin(angle)).toFixed(1)}`);
	}
	return `M${points.join(' L')} Z`;
}

// "any": a rounded square with a transparent margin, as launchers show it unmasked.
const iconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
	<rect x="16" y="16" width="480" height="480" rx="112" fill="${TEAL}"/>
	<g transform="translate(256 256) scale(0.92) translate(-256 -270)">${mark}</g>
</svg>
`;

// "maskable": full-bleed background; the mark stays inside the central 80 % circle (radius 205)
// that every platform mask keeps. Scaled 0.74 its farthest corner is ~165 px from the centre.
const maskableSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
	<rect width="512" height="512" fill="${TEAL}"/>
	<g transform="translate(256 256) scale(0.74) translate(-256 -270)">${mark}</g>
</svg>
`;

const outputs = [
	{ svg: iconSvg, size: 192, file: join(iconsDir, 'icon-192.png') },
	{ svg: iconSvg, size: 512, file: join(iconsDir, 'icon-512.png') },
	{ svg: maskableSvg, size: 192, file: join(iconsDir, 'maskable-192.png') },
	{ svg: maskableSvg, size: 512, file: join(iconsDir, 'maskable-512.png') },
	{ svg: iconSvg, size: 64, file: join(root, 'static', 'favicon.png') }
];

mkdirSync(iconsDir, { recursive: true });
writeFileSync(join(iconsDir, 'icon.svg'), iconSvg);
writeFileSync(join(iconsDir, 'maskable.svg'), maskableSvg);

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});
try {
	for (const { svg, size, file } of outputs) {
		const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
		const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
		await page.setContent(
			`<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
				`<img src="${dataUrl}" width="${size}" height="${size}">`
		);
		await page.locator('img').evaluate((img) => /** @type {HTMLImageElement} */ (img).decode());
		await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
		await page.close();
		console.log(`make-icons: ${file.slice(root.length + 1)} (${size}x${size})`);
	}
} finally {
	await browser.close();
}
