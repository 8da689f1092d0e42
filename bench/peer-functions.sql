-- The peers' computed columns (PostGraphile v4 in bench/postgraphile, v5 in bench/postgraphile-v5): SQL functions
-- taking a risks row, PostGraphile's way of deriving fields, so that the peers answer with the same data as the
-- service. Idempotent; each peer's server runs it at start. bandKey and year are filterable so the city-wide list
-- can be a condition (@filterable for v4; v5 takes the behavior from its server.js).
create or replace function risks_rv(r risks) returns int language sql stable as $$ select r.likelihood * r.consequence $$;
create or replace function risks_band_key(r risks) returns text language sql stable as $$
  select p.matrix -> 'cells' -> (r.likelihood - 1) ->> (r.consequence - 1) from plans p where p.id = r.plan_id $$;
create or replace function risks_in_ikp(r risks) returns boolean language sql stable as $$
  select case when r.likelihood is null or r.consequence is null then false when r.ikp_override = 'INCLUDE' then true
    when r.ikp_override = 'EXCLUDE' then false else r.likelihood * r.consequence >= p.ikp_threshold end
  from plans p where p.id = r.plan_id $$;
create or replace function risks_year(r risks) returns int language sql stable as $$ select p.year from plans p where p.id = r.plan_id $$;
comment on function risks_band_key(risks) is E'@filterable';
comment on function risks_year(risks) is E'@filterable';
