import { writeFileSync } from 'node:fs';

import { CONFIG_DOCS_PATH, renderConfigDocs } from './render-config-docs.js';

writeFileSync(CONFIG_DOCS_PATH, renderConfigDocs());
process.stdout.write(`wrote ${CONFIG_DOCS_PATH}\n`);
