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

// ---- Day arithmetic on 'YYYY-MM-DD' (calendar days, no zone: the day is already the shop's) ----

const DAY_MS = 86_400_000;

function ymdOf(t: number): string {
	return new Date(t).toISOString().slice(0, 10);
}

/** The day `n` days after `day` (before for a negative n). */
export function addDays(day: string, n: number): string {
	return ymdOf(Date.parse(day + 'T00:00:00Z') + n * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / DAY_MS);
}

/**
 * First day of the `months` months that end on `today` (inclusive): the day after the same date
 * `months` months earlier; when that month has no such date (31st, 29 February) the window starts
 * on the 1st of the month after it. For 12 months this is the statistics' windowStart.
 */
export function monthsStart(today: string, months: number): string {
	const total = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - months;
	const y = Math.floor(total / 12);
	const m = (total % 12) + 1;
	const d = Number(today.slice(8, 10));
	if (d > daysInMonth(y, m)) return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
	return addDays(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, 1);
}

/** 'YYYY-MM-DD' of the instant `ms` in `timeZone`. */
export function dayOfInstant(ms: number, timeZone: string): string {
	return todayIn(timeZone, new Date(ms));
}

/**
 * The first instant (ms) of `day` in `timeZone`: local midnight, or the first instant after a
 * daylight-saving gap that swallowed it. Compare instants with it to ask "before that day?".
 */
export function startOfDayIn(day: string, timeZone: string): number {
	// Zones are at most 14 hours off UTC and offsets are whole quarter hours: search that range.
	const quarter = 900_000;
	let lo = Math.floor((Date.parse(day + 'T00:00:00Z') - 15 * 3_600_000) / quarter);
	let hi = Math.ceil((Date.parse(day + 'T00:00:00Z') + 15 * 3_600_000) / quarter);
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		if (todayIn(timeZone, new Date(mid * quarter)) >= day) hi = mid;
		else lo = mid + 1;
	}
	return lo * quarter;
}

/** The same month-day `years` years earlier (29 February stays '-02-29', which compares correctly as a bound). */
export function yearsBefore(ymd: string, years: number): string {
	return String(Math.max(0, Number(ymd.slice(0, 4)) - Math.floor(years))).padStart(4, '0') + ymd.slice(4);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** '31 Mar 2026' for '2026-03-31' in the given locale. A calendar day has no zone: formatted as UTC so no zone moves it. */
export function formatDay(ymd: string, locale = 'en-GB'): string {
	if (!isValidDate(ymd)) return ymd;
	let f = dayFormats.get(locale);
	if (!f) {
		try {
			f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
		} catch {
			f = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
		}
		dayFormats.set(locale, f);
	}
	const [y, m, d] = ymd.split('-').map(Number);
	return f.format(Date.UTC(y, m - 1, d));
}
