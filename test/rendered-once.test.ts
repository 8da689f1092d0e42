import t from 'tap';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { renderedOnce } from '../src/db/json-rows.js';

// renderedOnce renders its statement once; each call only binds values (or splices a clause) into that text.

const dialect = new PgDialect();

t.test('values bind, SQL values splice, the statement\'s own constants stay bound', async (t) => {
  let builds = 0;
  const q = renderedOnce((a, tail) => {
    builds++;
    return sql`select ${a}::int as a, ${'konstant'} as k from t ${tail}`;
  }, 2);
  const first = dialect.sqlToQuery(q(1, sql`where x = ${'ett'} order by x`));
  t.same(first, { sql: 'select $1::int as a, $2 as k from t where x = $3 order by x', params: [1, 'konstant', 'ett'], typings: first.typings });
  const second = dialect.sqlToQuery(q(2, sql``));
  t.equal(second.sql, 'select $1::int as a, $2 as k from t ');
  t.same(second.params, [2, 'konstant']);
  t.equal(builds, 1, 'built and rendered once');
});

t.test('a $n in the statement\'s own text is refused, not mistaken for a placeholder', async (t) => {
  const q = renderedOnce((a) => sql`select ${a} as a, ${sql.raw("'$1'")} as literal`);
  t.throws(() => q(1), /holds a \$n of its own/);
});
