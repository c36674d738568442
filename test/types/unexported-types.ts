import ts from "typescript";

/**
 * Named types of this repository that the entry's public surface uses but does not export: the
 * parameter, return and property types of everything `entryFile` exports, followed through the
 * types they name. Private members, bodies and declarations tagged `@internal` are not surface.
 */
export function findUnexportedTypes(entryFile: string): string[] {
  const program = ts.createProgram([entryFile], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryFile);
  if (!entry) throw new Error(`cannot read ${entryFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (!moduleSymbol) throw new Error(`${entryFile} is not a module`);
  const resolve = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(resolve));
  const missing = new Map<ts.Symbol, string>();
  const visited = new Set<ts.Symbol>();
  const ours = (declaration: ts.Declaration) =>
    !declaration.getSourceFile().fileName.includes("/node_modules/");
  const internal = (node: ts.Node) => ts.getJSDocTags(node).some((tag) => tag.tagName.text === "internal");

  const visitSymbol = (given: ts.Symbol, from: string) => {
    const symbol = resolve(given);
    if (visited.has(symbol)) return;
    visited.add(symbol);
    const declarations = (symbol.declarations ?? []).filter(ours);
    if (declarations.length === 0) return;
    const named =
      symbol.flags &
      (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum);
    if (named && !exported.has(symbol)) missing.set(symbol, `${symbol.name} (used by ${from})`);
    for (const declaration of declarations) visitSurface(declaration, symbol.name);
  };

  /** Type references in the parts of a declaration a consumer sees. */
  const visitSurface = (node: ts.Node, owner: string): void => {
    if (internal(node)) return;
    if (ts.isPrivateIdentifier((node as { name?: ts.Node }).name ?? node)) return;
    const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
    if (modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node) || ts.isTypeQueryNode(node)) {
      const target = ts.isTypeReferenceNode(node)
        ? node.typeName
        : ts.isTypeQueryNode(node)
          ? node.exprName
          : node.expression;
      const symbol = checker.getSymbolAtLocation(target);
      if (symbol) visitSymbol(symbol, owner);
    }
    if (ts.isBlock(node)) return;
    if (ts.isVariableDeclaration(node) && !node.type) {
      // `export const x = …` without an annotation: its inferred type is the surface.
      const type = checker.getTypeAtLocation(node);
      const symbol = type.aliasSymbol ?? type.getSymbol();
      if (symbol) visitSymbol(symbol, owner);
    }
    if (ts.isVariableDeclaration(node) && node.initializer && !node.type) return;
    ts.forEachChild(node, (child) => visitSurface(child, owner));
  };

  for (const symbol of exported) visitSymbol(symbol, "the entry");
  return [...missing.values()].sort();
}
