// Calendar dates as 'YYYY-MM-DD' strings: they compare with < and survive JSON, Yjs and
// IndexedDB unchanged. "Today" is always taken in the shop's time zone, never the device's.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		try {
			f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
		} catch {
			// A misconfigured zone must not stop the till; UTC is at most a day off.
			f = formatterFor('UTC');
		}
		formatters.set(timeZone, f);
	}
	return f;
}

export function todayIn(timeZone: string, now: Date): string {
	let y = '';
	let m = '';
	let d = '';
	for (const part of formatterFor(timeZone).formatToParts(now)) {
		if (part.type === 'year') y = part.value;
		else if (part.type === 'month') m = part.value;
		else if (part.type === 'day') d = part.value;
	}
	return `${y.padStart(4, '0')}-${m}-${d}`;
}

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(y: number): boolean {
	return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
	return month === 2 ? (isLeapYear(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export function isValidDate(ymd: string): boolean {
	const m = YMD_RE.exec(ymd);
	if (!m) return false;
	const year = Number(m[1]);
	const month = Number(m[2]);
	const day = Number(m[3]);
	return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Full years lived on `today`. Someone born on 29 February turns a year older on 1 March in
 * non-leap years (as in UK law), which plain month/day comparison gives for free.
 */
export function ageOn(birthDate: string, today: string): number | null {
	if (!isValidDate(birthDate) || !isValidDate(today) || birthDate > today) return null;
	const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
	return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export function birthMonth(birthDate: string): number | null {
	return isValidDate(birthDate) ? Number(birthDate.slice(5, 7)) : null;
}

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO 8601 instant with an explicit offset: a local time without a zone means nothing across tablets. */
export function isValidInstant(s: string): boolean {
	const m = INSTANT_RE.exec(s);
	if (!m || !isValidDate(m[1])) return false;
	const [hh, mm, ss] = [Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
	if (hh > 23 || mm > 59 || ss > 59) return false;
	if (m[5] !== 'Z' && (Number(m[6]) > 23 || Number(m[7]) > 59)) return false;
	return true;
}

/** '21 Nov 2026, 14:05' in the shop's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
	const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
	try {
		return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(Date.parse(iso));
	} catch {
		return new Intl.DateTimeFormat('en-GB', opts).format(Date.parse(iso));
	}
}

/** ['21 Nov 2026', '14:05'] in the shop's time zone, for two-line table cells. */
export function dateAndTime(iso: string, timeZone: string): [string, string] {
	const t = Date.parse(iso);
	const fmt = (o: Intl.DateTimeFormatOptions) => {
		try {
			return new Intl.DateTimeFormat('en-GB', { ...o, timeZone }).format(t);
		} catch {
			return new Intl.DateTimeFormat('en-GB', o).format(t);
		}
	};
	return [fmt({ day: 'numeric', month: 'short', year: 'numeric' }), fmt({ hour: '2-digit', minute: '2-digit' })];
}
