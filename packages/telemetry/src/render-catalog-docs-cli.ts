import { writeFileSync } from 'node:fs';

import { CATALOG_DOCS_PATH, renderCatalogDocs } from './render-catalog-docs.js';

writeFileSync(CATALOG_DOCS_PATH, renderCatalogDocs());
process.stdout.write(`wrote ${CATALOG_DOCS_PATH}\n`);
