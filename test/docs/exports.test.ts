import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every exported name of the public entry points has TSDoc with a summary, and every exported
 * function and class has an `@example` (which examples.test.ts runs).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const entries = ['index.ts', 'connectors/mqtt/index.ts', 'connectors/influx/index.ts', 'connectors/sparkplug/index.ts', 'connectors/nats/index.ts'];
const program = ts.createProgram(
  entries.map((e) => root + e),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true },
);
const checker = program.getTypeChecker();

interface ExportInfo {
  entry: string;
  name: string;
  kind: 'value' | 'type';
  needsExample: boolean;
  summary: string;
  hasExample: boolean;
}

function exportsOf(entry: string): ExportInfo[] {
  const sf = program.getSourceFile(root + entry);
  if (!sf) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) return [];
  return checker.getExportsOfModule(moduleSymbol).map((sym) => {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const decl = target.declarations?.[0];
    const isFunctionOrClass = !!decl && (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl));
    const docs = decl ? ts.getJSDocCommentsAndTags(decl) : [];
    const summary = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
    const tags = target.getJsDocTags(checker);
    return {
      entry,
      name: sym.name,
      kind: target.flags & ts.SymbolFlags.Value ? 'value' : 'type',
      needsExample: isFunctionOrClass,
      summary: summary || (docs.length ? 'doc' : ''),
      hasExample: tags.some((t) => t.name === 'example'),
    };
  });
}

describe('public API documentation', () => {
  for (const entry of entries) {
    const infos = exportsOf(entry);
    it(`${entry}: every exported name has a TSDoc summary`, () => {
      const missing = infos.filter((i) => !i.summary).map((i) => i.name);
      expect(missing).toEqual([]);
    });
    it(`${entry}: every exported function and class has an @example`, () => {
      const missing = infos.filter((i) => i.needsExample && !i.hasExample).map((i) => i.name);
      expect(missing).toEqual([]);
    });
  }
  it('the root entry exports the core', () => {
    const names = exportsOf('index.ts').map((i) => i.name);
    for (const n of ['StandardScaler', 'MeanVar', 'saveSnapshot', 'fromSklearn', 'BatchNormStats']) expect(names).toContain(n);
  });
});
