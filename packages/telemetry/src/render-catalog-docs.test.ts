import { readFileSync } from 'node:fs';

import { SCRAPE_RESOURCES } from '@gse/activity';
import { describe, expect, it } from 'vitest';

import { METRIC_CATALOG } from './metric-catalog.js';
import { CATALOG_DOCS_PATH, renderCatalogDocs } from './render-catalog-docs.js';

describe('docs/metrics.md', () => {
  it('is up to date with the catalogs', () => {
    const committed = readFileSync(CATALOG_DOCS_PATH, 'utf8');
    expect(committed, 'docs/metrics.md is stale: run `pnpm docs:metrics`').toBe(
      renderCatalogDocs(),
    );
  });

  it('has a row for every family and every scrape resource', () => {
    const docs = renderCatalogDocs();
    const families = [
      ...METRIC_CATALOG.activity,
      ...METRIC_CATALOG.stored,
      ...METRIC_CATALOG.gateway,
    ];
    for (const family of families) expect(docs).toContain(`| \`${family.name}\` |`);
    for (const resource of SCRAPE_RESOURCES) expect(docs).toContain(`| \`${resource}\` |`);
  });
});

describe('METRIC_CATALOG', () => {
  it('declares each family name once', () => {
    const names = [
      ...METRIC_CATALOG.activity,
      ...METRIC_CATALOG.stored,
      ...METRIC_CATALOG.gateway,
    ].map((family) => family.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
