import { describe, expect, it } from 'vitest';

import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), {
      timeoutMs: 1000,
      intervalMs: 1,
    });
    expect(value).toBe('after 3');
  });

  it('fails after the deadline naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 20, intervalMs: 5, description: 'leader elected' },
      ),
    ).rejects.toThrow('timed out after 20ms waiting for leader elected; last error: not yet');
  });
});
