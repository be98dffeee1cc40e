import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One ```ts block found inside an `@example` of a TSDoc comment. */
export interface DocBlock {
  file: string;
  line: number;
  code: string;
}

/** Every .ts file below `dir`, recursively. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The ```ts blocks inside `@example` sections of the doc comments of a file. */
export function exampleBlocks(file: string, root: string): DocBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  let inExample = false;
  let current: { line: number; code: string[] } | undefined;
  lines.forEach((raw, i) => {
    const text = raw.replace(/^\s*\* ?/, '');
    if (/^\s*\/\*\*/.test(raw)) inExample = false;
    if (/^@\w+/.test(text.trim()) && !current) inExample = text.trim().startsWith('@example');
    if (!inExample) return;
    if (!current && /^```(ts|typescript)\s*$/.test(text.trim())) {
      current = { line: i + 1, code: [] };
    } else if (current && text.trim() === '```') {
      blocks.push({ file: relative(root, file), line: current.line, code: current.code.join('\n') });
      current = undefined;
    } else if (current) {
      current.code.push(text);
    }
  });
  return blocks;
}

/**
 * Turns a block into a module: imports stay at the top, the rest runs in an async function that
 * receives the harness context, and `expr; // => literal` lines become deep-equality checks.
 */
export function toModule(block: DocBlock): string {
  const imports: string[] = [];
  const body: string[] = [];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^import\s/.test(line)) {
      let stmt = line;
      while (!/;\s*$/.test(stmt) && i + 1 < lines.length) stmt += `\n${lines[++i]}`;
      imports.push(stmt);
      continue;
    }
    const m = /^(\s*)(.+?);?\s*\/\/ => (.+)$/.exec(line);
    if (m) {
      const where = `${block.file}:${block.line + i + 1}`;
      body.push(`${m[1]}__check(${m[2]}, ${m[3]}, ${JSON.stringify(where)}, ${JSON.stringify(m[2])});`);
    } else {
      body.push(line);
    }
  }
  return [
    ...imports,
    'export default async function run(__ctx: Record<string, unknown>, __check: (a: unknown, b: unknown, where: string, expr: string) => void): Promise<void> {',
    '  const brokerUrl = __ctx.brokerUrl as string;',
    '  const influxUrl = __ctx.influxUrl as string;',
    '  const natsUrl = __ctx.natsUrl as string;',
    '  void brokerUrl; void influxUrl; void natsUrl;',
    ...body.map((l) => `  ${l}`),
    '}',
    '',
  ].join('\n');
}
