import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import type { MetricsSnapshot } from './metrics-snapshot.js';
import { createSharedGzipRenders } from './shared-gzip-renders.js';

const snapshot = (readAtMs: number): MetricsSnapshot => ({
  readAtMs,
  activity: {
    blocks: [],
    seriesCount: 0,
    storedSeriesCount: 0,
    corruptSeries: [],
    corruptSeriesCount: 0,
  },
  fleet: [],
  malformedFleetSamples: 0,
});

async function unzip(body: Readable): Promise<string> {
  let text = '';
  await pipeline(body, createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) text += chunk.toString('utf8');
  });
  return text;
}

function* lines(count: number): Generator<string, void, undefined> {
  for (let line = 0; line < count; line++) yield `line ${line}\n`;
}

describe('createSharedGzipRenders', () => {
  it('renders once per snapshot and format, every reader gets the whole body', async () => {
    const renders: string[] = [];
    const shared = createSharedGzipRenders({ onRender: (format) => renders.push(format) });
    const first = snapshot(1);
    const expected = [...lines(5000)].join('');
    const bodies = await Promise.all(
      Array.from({ length: 5 }, () => unzip(shared.open('openmetrics', first, () => lines(5000)))),
    );
    const late = await unzip(shared.open('openmetrics', first, () => lines(1)));
    expect(new Set([...bodies, late])).toEqual(new Set([expected]));
    expect(renders).toEqual(['openmetrics']);

    await unzip(shared.open('prometheus', first, () => lines(2)));
    await unzip(shared.open('openmetrics', snapshot(2), () => lines(3)));
    expect(renders).toEqual(['openmetrics', 'prometheus', 'openmetrics']);
  });

  it('fails its readers when the render fails, and renders again next time', async () => {
    const shared = createSharedGzipRenders({ onRender: () => undefined });
    const same = snapshot(1);
    function* failing(): Generator<string, void, undefined> {
      yield 'partial\n';
      throw new Error('render broke');
    }
    await expect(unzip(shared.open('prometheus', same, failing))).rejects.toThrow('render broke');
    expect(await unzip(shared.open('prometheus', same, () => lines(1)))).toBe('line 0\n');
  });
});
