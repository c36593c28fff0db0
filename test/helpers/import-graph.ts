/**
 * The project's import graph, read with the TypeScript compiler's own parser and module resolution (no
 * regexes over source text), and the house rules checked over it. The rules are pure functions of a
 * graph, so a test can run them on a small graph with a deliberately wrong import as well as on the
 * real one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

/** One import: from a project file to a project file (repo-relative, '/'-separated) or to a package. */
export interface ImportEdge {
  from: string;
  /** a project file, or the package name for imports from node_modules and node: */
  to: string;
  external: boolean;
  /** `import type`/`export type`: erased at run time */
  typeOnly: boolean;
}

/** A module's top-level statements that run something when the module is imported. */
export interface ImportTimeEffect {
  file: string;
  line: number;
  text: string;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  effects: ImportTimeEffect[];
}

/** The folders whose TypeScript the rules cover (the AssemblyScript kernels are not TypeScript modules). */
export const GRAPH_ROOTS = ['src', 'bench', 'dev', 'scripts', 'test', 'web/src'];
const SKIP = [`src${sep}lstm${sep}wasm${sep}assembly`];

function tsFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((f) => !SKIP.some((s) => f.startsWith(s)))
    .map((f) => f.split(sep).join('/'));
}

const posix = (p: string): string => p.split(sep).join('/');

/** Reads every TypeScript file under the graph roots of `root` into an import graph. */
export function readImportGraph(root: string): ImportGraph {
  const files = GRAPH_ROOTS.flatMap((d) => tsFiles(root, d)).sort();
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true, allowJs: false };
  const host = ts.createCompilerHost(options);
  const edges: ImportEdge[] = [];
  const effects: ImportTimeEffect[] = [];
  for (const file of files) {
    const abs = join(root, file);
    const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const { specifier, typeOnly } of moduleSpecifiers(source)) {
      const resolved = ts.resolveModuleName(specifier, abs, options, host).resolvedModule;
      const inProject = resolved && !resolved.isExternalLibraryImport && !relative(root, resolved.resolvedFileName).startsWith('..');
      if (inProject) {
        // a .d.ts next to a built file (e.g. web/src/wasm.d.ts) or the source itself
        const target = posix(relative(root, resolved.resolvedFileName));
        edges.push({ from: file, to: target, external: false, typeOnly });
      } else if (specifier.startsWith('.')) {
        // relative but not a TypeScript module: a built artefact such as a .wasm the bundler inlines
        edges.push({ from: file, to: posix(relative(root, join(abs, '..', specifier))), external: false, typeOnly });
      } else {
        edges.push({ from: file, to: packageName(specifier), external: true, typeOnly });
      }
    }
    effects.push(...importTimeEffects(source, file));
  }
  return { files, edges, effects };
}

const packageName = (specifier: string): string => {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

/** Every module a file names: static imports and re-exports, `import x = require()`, `require()` and `import()` calls. */
function moduleSpecifiers(source: ts.SourceFile): { specifier: string; typeOnly: boolean }[] {
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) out.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Names of calls that register or subscribe something, wherever they sit in a top-level initializer. */
const REGISTERING = /^(register\w*|define[A-Z]\w*|enable\w*|use[A-Z]\w*|on|once|addListener|addEventListener|setBackend)$/;

/**
 * The top-level statements that do something when the module is imported: expression statements (a call,
 * an assignment: `defineSweep({...})`, `tf.serialization.registerClass(X)`, `process.on(...)`), and
 * top-level initializers that call a registering function. Declarations, imports and exports run nothing.
 */
function importTimeEffects(source: ts.SourceFile, file: string): ImportTimeEffect[] {
  const out: ImportTimeEffect[] = [];
  const at = (node: ts.Node): ImportTimeEffect => ({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText().split('\n')[0] });
  for (const statement of source.statements) {
    if (ts.isExpressionStatement(statement) || ts.isIfStatement(statement) || ts.isForStatement(statement) || ts.isForOfStatement(statement) || ts.isTryStatement(statement)) {
      out.push(at(statement));
    } else if (ts.isVariableStatement(statement)) {
      const find = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassLike(node)) return; // runs later, when called
        if (ts.isCallExpression(node)) {
          const callee = node.expression;
          const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
          if (REGISTERING.test(name)) out.push(at(node));
        }
        ts.forEachChild(node, find);
      };
      find(statement);
    }
  }
  return out;
}

// ------------------------------------------------------------------ the rules

export interface Violation {
  rule: string;
  detail: string;
}

const under = (file: string, ...dirs: string[]): boolean => dirs.some((d) => file === d || file.startsWith(d.endsWith('/') ? d : `${d}/`));

/** io reads and writes files; above it nothing but src/errors.ts and packages. */
export function ioImportsNothingAbove(g: ImportGraph): Violation[] {
  return g.edges
    .filter((e) => under(e.from, 'src/io') && !e.external && !under(e.to, 'src/io') && e.to !== 'src/errors.ts')
    .map((e) => ({ rule: 'io imports nothing above it', detail: `${e.from} -> ${e.to}` }));
}

/** src/ is the library: it never reaches into the benchmark, the one-off programs or the tests; bench/ never into the tests or dev/. */
export function folderBoundaries(g: ImportGraph): Violation[] {
  const forbidden: [string, string[]][] = [
    ['src', ['bench', 'dev', 'test', 'scripts']],
    ['bench', ['test', 'dev']],
  ];
  return g.edges.flatMap((e) =>
    forbidden
      .filter(([from, tos]) => under(e.from, from) && !e.external && under(e.to, ...tos))
      .map(([from]) => ({ rule: `${from}/ imports nothing from ${forbidden.find(([f]) => f === from)![1].join('/, ')}/`, detail: `${e.from} -> ${e.to}` })),
  );
}

/** The shared code below the studies (engine, io, stats, chart core, sweep framework) knows no study. */
export function sharedImportsNoStudy(g: ImportGraph): Violation[] {
  const shared = ['src/activations', 'src/charts', 'src/data', 'src/io', 'src/lstm', 'src/stats', 'src/sweep', 'src/errors.ts', 'src/command-name.ts'];
  return g.edges
    .filter((e) => under(e.from, ...shared) && !e.external && under(e.to, 'src/studies'))
    .map((e) => ({ rule: 'shared code imports no study', detail: `${e.from} -> ${e.to}` }));
}

/** The sweeps: what trains and writes results, and the command line that starts them. */
export const isSweepModule = (f: string): boolean =>
  under(f, 'src/sweep', 'src/cli') || f === 'src/cli.ts' || f === 'src/studies/registry.ts' || /^src\/studies\/[^/]+\/(sweep|command|runs)\.ts$/.test(f);

/** Analysis and charts: what reads results and draws them (and every study's results.ts, which they read through). */
export const isReportingModule = (f: string): boolean =>
  under(f, 'src/analysis', 'src/charts', 'src/stats') || /^src\/studies\/[^/]+\/(analysis|charts|results|[\w-]+-charts)\.ts$/.test(f);

/** Packages only a sweep or the command line needs: an analysis that loads them has loaded a sweep. */
const SWEEP_PACKAGES = ['commander', 'cli-progress'];

/** Modules a file loads at run time, directly or through others (type-only imports are erased). */
export function runtimeClosure(g: ImportGraph, start: string): Map<string, string> {
  const via = new Map<string, string>([[start, start]]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    for (const e of g.edges) {
      if (e.from !== f || e.typeOnly || via.has(e.to)) continue;
      via.set(e.to, f);
      if (!e.external) queue.push(e.to);
    }
  }
  return via;
}

function chain(via: Map<string, string>, end: string): string {
  const path = [end];
  for (let f = end; via.get(f) !== f; f = via.get(f)!) path.unshift(via.get(f)!);
  return path.join(' -> ');
}

/** Loading an analysis or a chart loads no sweep (and so neither the command line's packages). */
export function reportingLoadsNoSweep(g: ImportGraph): Violation[] {
  const out: Violation[] = [];
  for (const f of g.files.filter(isReportingModule)) {
    const via = runtimeClosure(g, f);
    const bad = [...via.keys()].find((m) => m !== f && (isSweepModule(m) || SWEEP_PACKAGES.includes(m)));
    if (bad) out.push({ rule: 'analysis and charts load no sweep', detail: chain(via, bad) });
  }
  return out;
}

/** Entry points run when started, not when imported: their top-level code is the program. */
export const isEntryPoint = (f: string, g: ImportGraph): boolean =>
  !under(f, 'src') || f === 'src/lstm/parallel/worker.ts' || !g.edges.some((e) => e.to === f && !e.typeOnly);

/** Importing a library module runs nothing: no registration, no listener, no global switch. */
export function noImportTimeEffects(g: ImportGraph): Violation[] {
  return g.effects
    .filter((x) => !isEntryPoint(x.file, g))
    .map((x) => ({ rule: 'a module registers nothing when imported', detail: `${x.file}:${x.line}: ${x.text}` }));
}

/** Strongly connected components of more than one module (or a module importing itself), by Tarjan's algorithm. */
export function importCircles(g: ImportGraph): Violation[] {
  const next = new Map<string, string[]>();
  for (const e of g.edges) if (!e.external) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) circles.push(component.sort());
    }
  };
  for (const f of g.files) if (!index.has(f)) strong(f);
  return circles.map((c) => ({ rule: 'no import circle', detail: c.join(' <-> ') }));
}

export const HOUSE_RULES = [ioImportsNothingAbove, folderBoundaries, sharedImportsNoStudy, reportingLoadsNoSweep, noImportTimeEffects, importCircles];

export const houseRuleViolations = (g: ImportGraph): Violation[] => HOUSE_RULES.flatMap((rule) => rule(g));
