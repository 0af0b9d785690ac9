// Screenshots for a person to look at (not compared), at both tablet sizes, into test-results/screens/.
import type { Page } from '@playwright/test';

export const TABLET_SIZES = [
	{ name: 'landscape', width: 1024, height: 768 },
	{ name: 'portrait', width: 768, height: 1024 }
];

/** The whole page: main scrolls inside a fixed shell, so the viewport grows to its content for the shot. */
export async function shot(page: Page, name: string, size: { width: number; height: number }) {
	const height = await page.evaluate(() => {
		const main = document.querySelector('main')!;
		return main.scrollHeight + main.getBoundingClientRect().top;
	});
	await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(height)) });
	await page.screenshot({ path: `test-results/screens/${name}.png` });
	await page.setViewportSize(size);
}
