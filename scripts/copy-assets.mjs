// tsc compiles only TypeScript; the Lua scripts that modules load next to themselves are copied as they are.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!name.endsWith('.ts')) cpSync(path, join('dist', relative('src', path)));
  }
}
copyAssets('src');
