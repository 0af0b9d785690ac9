import { describe, expect, it } from 'vitest';
import { fold, foldCompact, normalizeName } from './text';

describe('fold', () => {
	it('lower-cases, strips accents and trims', () => {
		expect(fold('  José  GARCÍA ')).toBe('jose garcia');
		expect(fold('Émilie Bézier-Çelik')).toBe('emilie bezier celik');
	});
	it('turns apostrophes and hyphens into spaces', () => {
		expect(fold("O'Brien")).toBe('o brien');
		expect(fold('O’Brien')).toBe('o brien');
		expect(fold('Smith-Jones')).toBe('smith jones');
	});
	it('maps letters that have no decomposition', () => {
		expect(fold('Łukasz')).toBe('lukasz');
		expect(fold('Straße')).toBe('strasse');
		expect(fold('Æsir Œuvre Øre Đorđe Þór Iğdır')).toBe('aesir oeuvre ore dorde thor igdir');
	});
	it('keeps the characters of an email address', () => {
		expect(fold('Jane.Smith+shop@Example.COM')).toBe('jane.smith+shop@example.com');
	});
	it('returns empty for punctuation only', () => {
		expect(fold(' -- !! ')).toBe('');
		expect(fold('')).toBe('');
	});
});

describe('foldCompact', () => {
	it('removes spaces', () => {
		expect(foldCompact('SW1A 1AA')).toBe('sw1a1aa');
		expect(foldCompact(' sw1a  1aa ')).toBe('sw1a1aa');
	});
});

describe('normalizeName', () => {
	it('collapses whitespace but keeps case and accents', () => {
		expect(normalizeName('  María \t José  ')).toBe('María José');
		expect(normalizeName("d'Artagnan")).toBe("d'Artagnan");
	});
});
