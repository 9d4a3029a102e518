// The application version, read once from package.json next to the build.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'mcpgateway' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location: src/ and dist/ sit at the same depth, tests may not
    }
  }
  return '0.0.0';
}

export const APP_VERSION = readVersion();
