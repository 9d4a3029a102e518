// Prints docs/configuration.md; run: npx tsx scripts/render-config-doc.ts > docs/configuration.md
import { renderConfigDoc } from '../src/config/config-doc.js';

process.stdout.write(renderConfigDoc());
