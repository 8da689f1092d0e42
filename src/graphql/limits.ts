import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type FieldNode,
  type GraphQLCompositeType,
  getOperationAST,
  getVariableValues,
  isListType,
  parse,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { AppError, ValidationError } from '../errors.js';
import { MAX_FEED_LIMIT, MAX_PAGE_SIZE } from '../lib/cursor.js';
import { PLAN_ROW_TYPES } from './list-bounds.js';

// Limits on what one GraphQL request may ask for, so that a single caller cannot make the service do unbounded work.

/**
 * Lists of an entity's children inside a plan (a process's working methods, a risk's controls, an entity's
 * history) partition the plan's rows rather than multiply them: a few per parent on average.
 */
export const CHILD_LIST_SIZE = 3;
/** Types whose lists are the top of a tree: everything below them is a child list. */
const TREE_ROOTS = new Set(['Query', 'Mutation', 'Subscription', 'Plan']);
/** Page arguments and the most each may be: the resolvers refuse more, so more is never fetched. */
const PAGE_ARGS: Record<string, number> = { first: MAX_PAGE_SIZE, top: MAX_PAGE_SIZE, last: MAX_PAGE_SIZE, limit: MAX_FEED_LIMIT };
/** Introspection is answered from the schema; its fields nest deeper than any data but stay bounded by the schema. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

type Code = 'QUERY_TOO_COSTLY' | 'TOO_MANY_ALIASES' | 'BATCH_TOO_LARGE' | 'QUERY_TOO_DEEP' | 'RESPONSE_TOO_LARGE';
export class QueryLimitError extends AppError {
  constructor(code: Code, message: string, details?: Record<string, unknown>) {
    super(code, message, 400, details);
  }
}

const PLAN_ROWS: ReadonlySet<string> = new Set(Object.values(PLAN_ROW_TYPES));

/**
 * Each field costs 1 plus its children times how many items it may return: its page argument when it has one, the
 * largest unpaged list the data holds (`listSize`) for a list at the top of a tree, a few for a child list. The lists
 * inside a `…Connection` are the page the connection field already counted, so they do not multiply again. Keyed on
 * shapes, not names, so new list fields are covered without an entry.
 *
 * Inside one plan (`withinPlan`: fields whose every path passes a Plan's list) a list of the plan's own rows
 * (PLAN_ROW_TYPES) partitions rows its parent list already counted: one plan holds at most `listSize` of each, however
 * they nest, so such a child list multiplies by 1 and the plan's whole tree costs `listSize` × its fields per level.
 */
export function listCostEstimator(listSize: number, withinPlan: ReadonlySet<FieldNode> = new Set()): ComplexityEstimator {
  return ({ type, field, args, childComplexity, node }) => {
    const page = Object.keys(PAGE_ARGS).find((a) => typeof args[a] === 'number');
    let multiplier = 1;
    if (page !== undefined) multiplier = Math.min(Math.max(args[page] as number, 0), PAGE_ARGS[page]);
    else if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) {
      if (TREE_ROOTS.has(type.name)) multiplier = listSize;
      else multiplier = withinPlan.has(node) && PLAN_ROWS.has(getNamedType(field.type).name) ? 1 : CHILD_LIST_SIZE;
    }
    return 1 + multiplier * childComplexity;
  };
}

/**
 * The field nodes below a list of a Plan's own rows on every path that reaches them (a fragment used both inside
 * and outside a plan counts as outside), so that the estimate can count them once per plan.
 */
export function fieldsWithinPlan(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Set<FieldNode> {
  const operation = getOperationAST(document, operationName);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
  const inside = new Set<FieldNode>();
  const outside = new Set<FieldNode>();
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType | null | undefined, inPlan: boolean, seen: Set<string>) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') {
        (inPlan ? inside : outside).add(s);
        const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[s.name.value] : undefined;
        const child = def ? getNamedType(def.type) : undefined;
        // Entering a list of a plan's rows from the Plan itself opens the plan's scope; another plan reached from
        // inside (previousPlan, nextPlan) opens its own at its lists.
        const opens = parent?.name === 'Plan' && !!child && PLAN_ROWS.has(child.name) && isListType(getNullableType(def!.type));
        const leaves = child?.name === 'Plan';
        walk(s.selectionSet, child && isCompositeType(child) ? child : null, (inPlan || opens) && !leaves, seen);
      } else if (s.kind === 'InlineFragment') {
        const t = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        walk(s.selectionSet, t && isCompositeType(t) ? t : null, inPlan, seen);
      } else {
        const f = fragments.get(s.name.value);
        if (!f || seen.has(f.name.value)) continue;
        const t = schema.getType(f.typeCondition.name.value);
        walk(f.selectionSet, t && isCompositeType(t) ? t : null, inPlan, new Set([...seen, f.name.value]));
      }
    }
  };
  if (operation) {
    const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    walk(operation.selectionSet, root, false, new Set());
  }
  for (const f of outside) inside.delete(f);
  return inside;
}

/** One operation's estimate, or why it could not be made (the operation is then refused: the estimate fails closed). */
export type Estimate = ({ cost: number; error?: undefined } | { cost?: undefined; error: AppError }) & { kind?: 'query' | 'mutation' | 'subscription' };

interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const variablesOf = (v: unknown): Record<string, unknown> => {
  if (typeof v === 'string') return JSON.parse(v) as Record<string, unknown>;
  return (v ?? {}) as Record<string, unknown>;
};

/** The cost of the operation that will run (the one `operationName` names), with the variables it will run with. */
export function estimateOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  listSize: number,
): Estimate {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `operationName "${operationName}" names no operation of the document` : 'The document holds several operations: name the one to run in operationName';
    return { error: new ValidationError(message, [{ path: 'operationName', message }]) };
  }
  try {
    return { cost: getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operation.name?.value, estimators: [listCostEstimator(listSize, fieldsWithinPlan(schema, document, operation.name?.value))] }) };
  } catch (err) {
    const message = (err as Error).message;
    // A document with more fields than can be counted is too costly by definition.
    if (/maximum allowed number of nodes/.test(message)) return { cost: Number.POSITIVE_INFINITY };
    const variable = /^Variable "\$([^"]+)"/.exec(message);
    if (variable) return { error: new ValidationError(message, [{ path: variable[1], message }]) };
    return { error: new QueryLimitError('QUERY_TOO_COSTLY', `The cost of this query could not be estimated (${message}), so it is refused`, { cost: null }) };
  }
}

/**
 * Estimates every operation of a request (one, or each of a batch) before any of it runs. A text that does not parse
 * gets no estimate: GraphQL refuses it with its syntax error. An operation that cannot be selected is refused here,
 * and so is a mutation sent with GET.
 */
/** Whether an operation's cost can depend on its variables: a page argument or a @skip/@include given by one. */
function costUsesVariables(document: DocumentNode): boolean {
  let uses = false;
  visit(document, {
    Argument(node) {
      if (node.value.kind === 'Variable' && node.name.value in PAGE_ARGS) uses = true;
    },
    Directive(node) {
      if (node.arguments?.some((a) => a.value.kind !== 'BooleanValue')) uses = true;
    },
  });
  return uses;
}

interface Parsed {
  document: DocumentNode;
  variableFree: boolean;
  /** The last estimate, when it does not depend on the variables, with the list bound it was made under. */
  cost?: { listSize: number; value: number };
}
const PARSED_CACHE_SIZE = 500;
const parsedBySchema = new WeakMap<GraphQLSchema, Map<string, Parsed | null>>();

/** The parsed text (null when it does not parse), from a small cache: a client repeats the same few documents. */
function parsedText(schema: GraphQLSchema, text: string): Parsed | null {
  let cache = parsedBySchema.get(schema);
  if (!cache) parsedBySchema.set(schema, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let parsed: Parsed | null;
  try {
    const document = parse(text);
    parsed = { document, variableFree: !costUsesVariables(document) };
  } catch {
    parsed = null;
  }
  if (cache.size >= PARSED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, parsed);
  return parsed;
}

/**
 * Estimates every operation of a request (one, or each of a batch) before any of it runs. A text that does not parse
 * gets no estimate: GraphQL refuses it with its syntax error. An operation that cannot be selected is refused here,
 * and so is a mutation sent with GET. A document whose cost cannot depend on its variables is estimated once per
 * list bound.
 */
export function estimateRequest(schema: GraphQLSchema, method: string, body: unknown, listSize: number): (Estimate | null)[] {
  const ops = (Array.isArray(body) ? body : [body]) as (OperationRequest | null)[];
  return ops.map((op) => {
    if (!op || typeof op !== 'object' || typeof op.query !== 'string') return null;
    const parsed = parsedText(schema, op.query);
    if (!parsed) return null;
    const { document } = parsed;
    const name = typeof op.operationName === 'string' && op.operationName ? op.operationName : undefined;
    const operation = getOperationAST(document, name);
    if (method === 'GET' && operation && operation.operation !== 'query') {
      throw new AppError('METHOD_NOT_ALLOWED', `A ${operation.operation} must be sent with POST; GET may only query`, 405);
    }
    // Only an unnamed pick (the document's one operation) is cached: the name is part of what is estimated.
    const cacheable = parsed.variableFree && !name && operation;
    const variables = variablesOf(op.variables);
    // The variables are still checked against their types each time: a bad one gets the same refusal as uncached.
    if (cacheable && parsed.cost?.listSize === listSize && !getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) {
      return { cost: parsed.cost.value, kind: operation.operation };
    }
    const estimate = estimateOperation(schema, document, variables, name, listSize);
    if (!operation) throw estimate.error!;
    if (cacheable && estimate.cost !== undefined && !estimate.error) parsed.cost = { listSize, value: estimate.cost };
    return { ...estimate, kind: operation.operation };
  });
}

export function costRefusal(cost: number, max: number, what = 'This query'): QueryLimitError | null {
  if (cost <= max) return null;
  const shown = Number.isFinite(cost) ? cost : 'unbounded';
  return new QueryLimitError('QUERY_TOO_COSTLY', `${what} may return too much (estimated cost ${shown}, at most ${max}): ask for smaller pages (first) or fewer nested lists`, {
    cost: Number.isFinite(cost) ? cost : null,
    maxCost: max,
  });
}

/** A batch is limited by the sum of its operations, so splitting a costly query into a batch gains nothing. */
export function checkTotalCost(estimates: (Estimate | null)[], max: number): void {
  const total = estimates.reduce((sum, e) => sum + (e?.cost ?? 0), 0);
  const refusal = costRefusal(total, max, estimates.length > 1 ? 'This batch' : 'This query');
  if (refusal) throw refusal;
}

/** A validation rule: aliases let one request repeat an expensive field many times, so their number is capped. */
export function maxAliasesRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > max) {
            context.reportError(
              new GraphQLError(`This request uses ${aliases} aliases; at most ${max} are allowed`, {
                extensions: { code: 'TOO_MANY_ALIASES', aliases, maxAliases: max },
              }),
            );
          }
        },
      },
    };
  };
}

/** How deep a selection goes, through fragments, not counting introspection's subtrees. */
function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let deepest = 0;
  for (const s of set?.selections ?? []) {
    if (s.kind === 'Field') {
      if (!INTROSPECTION_FIELDS.has(s.name.value)) deepest = Math.max(deepest, 1 + depthOf(s.selectionSet, fragments, seen));
    } else if (s.kind === 'InlineFragment') {
      deepest = Math.max(deepest, depthOf(s.selectionSet, fragments, seen));
    } else {
      const f = fragments.get(s.name.value);
      // A fragment cycle is refused by GraphQL's own rule; here it just stops.
      if (f && !seen.has(f.name.value)) deepest = Math.max(deepest, depthOf(f.selectionSet, fragments, new Set([...seen, f.name.value])));
    }
  }
  return deepest;
}

/** A validation rule: nesting is capped, except introspection (`__schema`, `__type`), which the cost still counts. */
export function maxDepthRule(max: number) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(doc) {
      const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
      for (const d of doc.definitions) {
        if (d.kind !== 'OperationDefinition') continue;
        const depth = depthOf(d.selectionSet, fragments, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`This query is ${depth} levels deep; at most ${max} are allowed`, { extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth: max } }),
          );
        }
      }
    },
  });
}

/** Counts operations in a batch (an array body), refusing one larger than the cap before any of it runs. */
export function checkBatchSize(body: unknown, max: number): void {
  if (Array.isArray(body) && body.length > max) {
    throw new QueryLimitError('BATCH_TOO_LARGE', `A batch may hold at most ${max} operations; this one has ${body.length}`, {
      operations: body.length,
      maxBatch: max,
    });
  }
}
