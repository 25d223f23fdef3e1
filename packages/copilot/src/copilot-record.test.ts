import { describe, expect, it } from 'vitest';

import { parseCopilotNdjson, toCopilotRecord, toCopilotUserLine } from './copilot-record.js';

const line = {
  user_id: 7,
  user_login: 'ann',
  day: '2026-11-20',
  user_initiated_interaction_count: 2,
  loc_added_sum: 8,
  totals_by_ide: [{ ide: 'vscode', loc_added_sum: 8, last_known_ide_version: {} }],
  totals_by_language_feature: [{ language: 'go', feature: 'code_completion', loc_added_sum: 8 }],
  future_field: 'ignored',
};

describe('toCopilotRecord', () => {
  it('keeps the counts and reads breakdowns from the nested arrays', () => {
    expect(toCopilotRecord(line)).toEqual({
      userId: 7,
      login: 'ann',
      day: '2026-11-20',
      counts: { user_initiated_interaction_count: 2, loc_added_sum: 8 },
      breakdowns: {
        ide: [{ keys: { ide: 'vscode' }, counts: { loc_added_sum: 8 } }],
        feature: [],
        language: [
          { keys: { language: 'go', feature: 'code_completion' }, counts: { loc_added_sum: 8 } },
        ],
        model: [],
      },
    });
  });

  it.each([
    ['no user id', { ...line, user_id: undefined }],
    ['a user id that is not a positive integer', { ...line, user_id: 1.5 }],
    ['an empty login', { ...line, user_login: '' }],
    ['a day that is not a day', { ...line, day: '2026-11-20T00:00:00Z' }],
    ['a negative count', { ...line, loc_added_sum: -1 }],
    ['a count that is text', { ...line, loc_added_sum: '8' }],
    ['a breakdown that is not an array', { ...line, totals_by_ide: { ide: 'vscode' } }],
    ['a breakdown entry without its key', { ...line, totals_by_ide: [{ loc_added_sum: 1 }] }],
  ])('refuses %s', (_case, value) => {
    expect(toCopilotRecord(value)).toBeUndefined();
  });
});

describe('parseCopilotNdjson', () => {
  it('counts bad lines without failing the file and skips blank ones', () => {
    const text = `${JSON.stringify(line)}\n\nnot json\n${JSON.stringify({ day: 'x' })}\n${JSON.stringify({ ...line, user_id: 8 })}\n`;
    const parsed = parseCopilotNdjson(text, toCopilotUserLine);
    expect(parsed.records.map((record) => record.userId)).toEqual([7, 8]);
    expect(parsed.invalid).toBe(2);
  });
});
