import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The names of the fields a resolver's result is asked for (through fragments), directly or at any depth: a
 * resolver can then fetch in one statement what its children will read, instead of a statement per kind of child.
 */
export function requestedFields(info: GraphQLResolveInfo, deep: boolean): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') {
        names.add(s.name.value);
        if (deep) walk(s.selectionSet);
      } else if (s.kind === 'InlineFragment') walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(info.fragments[s.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return names;
}
