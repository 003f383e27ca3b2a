// The package's public surface, pinned: every name exported from the package
// root (values and types, through TypeScript's own checker) and the values
// both module formats expose at run time. A moved or renamed file that drops
// or adds an export fails here; change the fixture only on purpose.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import ts from 'typescript';

const root = path.join(__dirname, '..');
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'public-api.json'), 'utf8')) as {
  names: string[];
  values: string[];
};

function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'], types: ['node'], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`no source ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`no module symbol for ${entry}`);
  return checker.getExportsOfModule(moduleSymbol).map((s) => s.getName()).sort();
}

describe('the public API', () => {
  // A budget, not a measure: TypeScript's checker over lib/ takes seconds (more under Wine).
  it('lib/index.ts exports exactly the pinned names (values and types)', { timeout: 120_000 }, () => {
    expect(exportedNames(path.join(root, 'lib', 'index.ts'))).toEqual(fixture.names);
  });

  it('the CommonJS and ES module builds expose exactly the pinned values', async () => {
    const cjs = createRequire(__filename)(path.join(root, 'dist', 'index.js'));
    expect(Object.keys(cjs).filter((n) => n !== '__esModule').sort()).toEqual(fixture.values);
    const esm = await import(pathToFileURL(path.join(root, 'dist', 'index.mjs')).href);
    expect(Object.keys(esm).filter((n) => n !== 'default').sort()).toEqual(fixture.values);
  });
});
