// The longest main-thread task in a window of a page's life, from the browser's own Long Tasks API:
// a PerformanceObserver({ type: 'longtask', buffered: true }) installed before any of the page's
// scripts run (page.addInitScript, so on every navigation). The browser reports only tasks of
// 50 ms or more; a window with no report had none that long.
import type { BrowserContext, Page } from '@playwright/test';

// A string, not a function: tsx would wrap a function's inner helpers in a __name() the page lacks.
const INIT = `(() => {
	const tasks = [];
	globalThis.__benchLongTasks = tasks;
	try {
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
		}).observe({ type: 'longtask', buffered: true });
	} catch (err) {
		globalThis.__benchLongTasksError = String(err);
	}
})();`;

/** Installs the observer in every page of `target` from its next navigation on. */
export async function observeLongTasks(target: Page | BrowserContext): Promise<void> {
	await target.addInitScript({ content: INIT });
}

/** The page's clock (performance.now()), to mark the ends of a window. */
export function pageNow(page: Page): Promise<number> {
	return page.evaluate(() => performance.now());
}

export interface LongTasks {
	/** Longest task overlapping the window, ms; 0 when the browser reported none (all < 50 ms). */
	longest: number;
	/** Tasks of 50 ms or more in the window. */
	count: number;
}

/** Long tasks that overlap [from, to] of the current document's clock. */
export async function longTasks(page: Page, from: number, to: number): Promise<LongTasks> {
	// Entries are delivered after the task ends: give the observer a frame to catch up.
	await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
	return page.evaluate(
		({ from, to }) => {
			const w = globalThis as unknown as { __benchLongTasks?: { start: number; duration: number }[]; __benchLongTasksError?: string };
			if (!w.__benchLongTasks) throw new Error('long-task observer not installed in this document');
			if (w.__benchLongTasksError) throw new Error('long-task observer: ' + w.__benchLongTasksError);
			const inWindow = w.__benchLongTasks.filter((t) => t.start < to && t.start + t.duration > from);
			return { longest: Math.max(0, ...inWindow.map((t) => t.duration)), count: inWindow.length };
		},
		{ from, to }
	);
}

export function formatLongTasks(t: LongTasks): string {
	return t.count === 0 ? 'none ≥ 50 ms reported' : `${t.longest.toFixed(0)} ms (${t.count} task${t.count === 1 ? '' : 's'} ≥ 50 ms)`;
}
