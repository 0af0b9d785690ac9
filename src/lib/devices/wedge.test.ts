import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeVerdict } from './wedge';

/** Feeds `keys` `gap` ms apart from t=0 and returns every verdict, flattened. */
function feed(d: WedgeDetector, keys: string[], gap: number, t0 = 0): WedgeVerdict[] {
	return keys.flatMap((k, i) => d.key(k, t0 + i * gap));
}

const chars = (s: string) => [...s];

describe('WedgeDetector', () => {
	it('takes a fast burst ending in Enter for a scan, holding back all but the first keys', () => {
		const d = new WedgeDetector();
		const out = feed(d, [...chars('2900000000075'), 'Enter'], 8);
		expect(out[0]).toEqual({ kind: 'start' });
		expect(out[1]).toEqual({ kind: 'pass' });
		expect(out.slice(2, 13).every((v) => v.kind === 'hold')).toBe(true);
		expect(out[13]).toEqual({ kind: 'scan', code: '2900000000075' });
		expect(out).toHaveLength(14);
	});

	it('never takes slow typing for a scan, even ending in Enter', () => {
		const d = new WedgeDetector();
		const out = feed(d, [...chars('2900000000075'), 'Enter'], 120);
		expect(out.every((v) => v.kind === 'start' || v.kind === 'pass')).toBe(true);
		expect(out.filter((v) => v.kind === 'start')).toHaveLength(13);
	});

	it('hands back held keys when a fast roll stops without Enter', () => {
		const d = new WedgeDetector();
		const out = feed(d, chars('abcd'), 10);
		expect(out.map((v) => v.kind)).toEqual(['start', 'pass', 'hold', 'hold']);
		expect(d.holding).toBe(true);
		// The listener's idle timer: no key for a while, so it was typing.
		expect(d.flush()).toEqual({ kind: 'release', text: 'cd' });
		expect(d.holding).toBe(false);
		expect(d.flush()).toBeNull();
	});

	it('releases held keys before the next slow key starts a new burst', () => {
		const d = new WedgeDetector();
		feed(d, chars('abc'), 10);
		expect(d.key('x', 500)).toEqual([{ kind: 'release', text: 'c' }, { kind: 'start' }]);
	});

	it('refuses bursts shorter than the minimum, releasing what it held', () => {
		const d = new WedgeDetector({ minLength: 4 });
		const out = feed(d, ['1', '2', '3', 'Enter'], 5);
		expect(out.map((v) => v.kind)).toEqual(['start', 'pass', 'hold', 'release', 'pass']);
		expect(out[3]).toEqual({ kind: 'release', text: '3' });
	});

	it('lets Enter after a pause through, so a form typed slowly still submits', () => {
		const d = new WedgeDetector();
		feed(d, chars('12345678'), 5);
		expect(d.key('Enter', 35 + 200)).toEqual([{ kind: 'release', text: '345678' }, { kind: 'pass' }]);
	});

	it('ignores Shift (scanners press it for capitals) but breaks a burst on shortcuts and other keys', () => {
		const d = new WedgeDetector();
		const out = feed(d, ['A', 'Shift', 'B', 'C', 'D', 'Enter'], 5);
		expect(out.at(-1)).toEqual({ kind: 'scan', code: 'ABCD' });

		const e = new WedgeDetector();
		feed(e, chars('abc'), 5);
		expect(e.key('v', 15, true)).toEqual([{ kind: 'release', text: 'c' }, { kind: 'pass' }]);
		feed(e, chars('abc'), 5, 100);
		expect(e.key('Backspace', 115)).toEqual([{ kind: 'release', text: 'c' }, { kind: 'pass' }]);
	});

	it('reads two scans in a row', () => {
		const d = new WedgeDetector();
		const first = feed(d, [...chars('ABCD-EFGH'), 'Enter'], 6);
		const second = feed(d, [...chars('5012345678900'), 'Enter'], 6, 1000);
		expect(first.at(-1)).toEqual({ kind: 'scan', code: 'ABCD-EFGH' });
		expect(second.at(-1)).toEqual({ kind: 'scan', code: '5012345678900' });
	});
});
