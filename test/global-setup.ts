import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI and examples are tested as users run them: the built JavaScript in dist/. Builds once
 * per test run when any source is newer than the build.
 */
const root = fileURLToPath(new URL('../', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : p.endsWith('.ts') ? st.mtimeMs : 0);
  }
  return t;
}

export default function setup(): void {
  const built = join(root, 'dist/bin/streamnorm.js');
  const sources = Math.max(...['src', 'operators', 'connectors', 'bin', 'examples', 'bench'].filter((d) => existsSync(join(root, d))).map((d) => newest(join(root, d))));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'pipe', cwd: root });
  } catch (e) {
    // tsc still emits JavaScript on type errors; the type check itself is its own CI step.
    // Tests of the built CLI then run on what was emitted, and fail if that is broken.
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`global-setup: the build reported type errors (tests use the emitted JavaScript):\n${out.split('\n').slice(0, 10).join('\n')}\n`);
  }
}
