import { GraphQLError, getNullableType, isListType, type ASTVisitor, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { AppError } from '../errors.js';

// Limits on what one GraphQL request may ask for, so that a single caller cannot make the service do unbounded work.

/** No resolver returns more than this per page; larger `first` values are refused by the resolvers' own validation. */
export const MAX_PAGE_SIZE = 500;
/** What an unpaged list (`namnder`, `Plan.risks`) is assumed to hold when estimating cost. */
export const DEFAULT_LIST_SIZE = 50;
/**
 * Lists of an entity's children inside a plan (a process's working methods, a risk's controls, an entity's
 * history) partition the plan's rows rather than multiply them: a few per parent on average.
 */
export const CHILD_LIST_SIZE = 3;
/** Types whose lists are the top of a tree: everything below them is a child list. */
const TREE_ROOTS = new Set(['Query', 'Mutation', 'Subscription', 'Plan']);
const PAGE_ARGS = ['first', 'top', 'last', 'limit'];

export class QueryLimitError extends AppError {
  constructor(code: 'QUERY_TOO_COSTLY' | 'TOO_MANY_ALIASES' | 'BATCH_TOO_LARGE' | 'QUERY_TOO_DEEP', message: string, details?: Record<string, unknown>) {
    super(code, message, 400, details);
  }
}

/**
 * Each field costs 1 plus its children times how many items it may return: its page argument when it has one, the
 * default list size for an unpaged list. The lists inside a `…Connection` are the page the connection field already
 * counted, so they do not multiply again. Keyed on shapes, not names, so new list fields are covered without an entry.
 */
export const listCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const page = PAGE_ARGS.map((a) => args[a]).find((v): v is number => typeof v === 'number');
  let multiplier = 1;
  if (page !== undefined) multiplier = Math.min(Math.max(page, 0), MAX_PAGE_SIZE);
  else if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) {
    multiplier = TREE_ROOTS.has(type.name) ? DEFAULT_LIST_SIZE : CHILD_LIST_SIZE;
  }
  return 1 + multiplier * childComplexity;
};

/** The estimated cost of every operation in the document (summed: conservative for multi-operation documents). */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): number {
  try {
    return getComplexity({ schema, query: document, variables: variables ?? {}, estimators: [listCostEstimator] });
  } catch (err) {
    // A document with more fields than can be counted is too costly by definition.
    if (/maximum allowed number of nodes/.test((err as Error).message)) return Number.POSITIVE_INFINITY;
    // Anything else (bad variables) is reported by execution with its own code.
    return 0;
  }
}

export function checkQueryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, max: number): void {
  const cost = queryCost(schema, document, variables);
  if (cost > max) {
    throw new QueryLimitError(
      'QUERY_TOO_COSTLY',
      `This query may return too much (estimated cost ${Number.isFinite(cost) ? cost : 'unbounded'}, at most ${max}): ask for smaller pages (first) or fewer nested lists`,
      { cost: Number.isFinite(cost) ? cost : null, maxCost: max },
    );
  }
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

/** Counts operations in a batch (an array body), refusing one larger than the cap before any of it runs. */
export function checkBatchSize(body: unknown, max: number): void {
  if (Array.isArray(body) && body.length > max) {
    throw new QueryLimitError('BATCH_TOO_LARGE', `A batch may hold at most ${max} operations; this one has ${body.length}`, {
      operations: body.length,
      maxBatch: max,
    });
  }
}

/** Mercurius enforces the depth limit (`queryDepth`) with its own error; this gives it our code and a clear message. */
export function depthLimitError(err: { code?: unknown; message: string }): QueryLimitError | null {
  if (err.code !== 'MER_ERR_GQL_QUERY_DEPTH') return null;
  const m = /depth \((\d+)\) exceeds the query depth limit of (\d+)/.exec(err.message);
  const [depth, maxDepth] = m ? [Number(m[1]), Number(m[2])] : [null, null];
  return new QueryLimitError('QUERY_TOO_DEEP', `This query is ${depth ?? 'too many'} levels deep; at most ${maxDepth ?? 'fewer'} are allowed`, { depth, maxDepth });
}
