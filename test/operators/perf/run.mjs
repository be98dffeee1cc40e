// Compiles the operators and core to a temp dir with the project's TypeScript and runs throughput.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'streamnorm-perf-'));
execFileSync('npx', ['tsc', '--outDir', out, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node', join(root, 'test/operators/perf/throughput.ts')], { cwd: root, stdio: 'inherit' });
writeFileSync(join(out, 'package.json'), '{"type":"module"}');
symlinkSync(join(root, 'node_modules'), join(out, 'node_modules')); // ESM resolves packages from the file's folders
execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', join(out, 'test/operators/perf/throughput.js')], { cwd: root, stdio: 'inherit' });
