import { describe, expect, it } from 'vitest';
import { cameraProblem } from './camera';

describe('cameraProblem', () => {
	it('words each getUserMedia failure the way the person can act on it', () => {
		expect(cameraProblem(new DOMException('denied', 'NotAllowedError'))).toBe('camera-denied');
		expect(cameraProblem(new DOMException('insecure', 'SecurityError'))).toBe('camera-denied');
		expect(cameraProblem(new DOMException('none', 'NotFoundError'))).toBe('no-camera');
		expect(cameraProblem(new DOMException('no back camera', 'OverconstrainedError'))).toBe('no-camera');
		expect(cameraProblem(new DOMException('in use', 'NotReadableError'))).toBe('camera-busy');
		expect(cameraProblem(new DOMException('aborted', 'AbortError'))).toBe('camera-busy');
		expect(cameraProblem(new Error('?'))).toBe('camera-failed');
		expect(cameraProblem(undefined)).toBe('camera-failed');
	});
});
