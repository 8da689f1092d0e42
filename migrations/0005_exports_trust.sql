CREATE TABLE "export_deletions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dataset" text NOT NULL,
	"row_id" text NOT NULL,
	"plan_id" uuid,
	"namnd_code" text,
	"year" integer,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "export_deletions_deleted_idx" ON "export_deletions" USING btree ("deleted_at");--> statement-breakpoint
CREATE INDEX "export_deletions_dataset_deleted_idx" ON "export_deletions" USING btree ("dataset","deleted_at");--> statement-breakpoint
CREATE INDEX "export_deletions_plan_idx" ON "export_deletions" USING btree ("plan_id","dataset");--> statement-breakpoint
CREATE INDEX "export_deletions_row_idx" ON "export_deletions" USING btree ("row_id");--> statement-breakpoint
CREATE INDEX "control_activities_created_idx" ON "control_activities" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "controls_created_idx" ON "controls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "processes_created_idx" ON "processes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "risks_created_idx" ON "risks" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "risks_plan_updated_idx" ON "risks" USING btree ("plan_id","updated_at");--> statement-breakpoint
CREATE INDEX "working_methods_created_idx" ON "working_methods" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "actions_created_idx" ON "actions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "follow_ups_created_idx" ON "follow_ups" USING btree ("created_at");--> statement-breakpoint
-- Exports: an exported row's updated_at is the last time any value in it changed (issue 15).
-- 1. Any change to a row moves its updated_at, also when the writer forgot to (e.g. ON DELETE SET NULL).
CREATE OR REPLACE FUNCTION export_bump_updated_at() RETURNS trigger AS $$
BEGIN
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := greatest(now(), OLD.updated_at + interval '1 millisecond');
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER namnder_export_bump BEFORE UPDATE ON namnder FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER goals_export_bump BEFORE UPDATE ON goals FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER plans_export_bump BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER processes_export_bump BEFORE UPDATE ON processes FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER working_methods_export_bump BEFORE UPDATE ON working_methods FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER risks_export_bump BEFORE UPDATE ON risks FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER controls_export_bump BEFORE UPDATE ON controls FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER control_activities_export_bump BEFORE UPDATE ON control_activities FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER follow_ups_export_bump BEFORE UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER actions_export_bump BEFORE UPDATE ON actions FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
CREATE TRIGGER assessments_export_bump BEFORE UPDATE ON assessments FOR EACH ROW EXECUTE FUNCTION export_bump_updated_at();--> statement-breakpoint
-- 2. A change of a parent or plan value that child rows show (derived or inherited) moves the children's
--    updated_at, so incremental filters stay plain indexed ranges on each table's own updated_at.
--    (Nämnd and goal codes cannot change, so they need no propagation.)
CREATE OR REPLACE FUNCTION export_touch_children() RETURNS trigger AS $$
DECLARE
  ts timestamptz := NEW.updated_at;
BEGIN
  IF TG_TABLE_NAME = 'plans' THEN
    -- RV band and IKP membership of every risk follow the plan's matrix and threshold.
    UPDATE risks SET updated_at = ts WHERE plan_id = NEW.id AND updated_at < ts;
  ELSIF TG_TABLE_NAME = 'processes' THEN
    -- Working methods show the process name and goal code; risks also show them.
    UPDATE working_methods SET updated_at = ts WHERE process_id = NEW.id AND updated_at < ts;
    UPDATE risks SET updated_at = ts
      WHERE working_method_id IN (SELECT id FROM working_methods WHERE process_id = NEW.id) AND updated_at < ts;
  ELSIF TG_TABLE_NAME = 'working_methods' THEN
    UPDATE risks SET updated_at = ts WHERE working_method_id = NEW.id AND updated_at < ts;
  ELSIF TG_TABLE_NAME = 'risks' THEN
    -- Controls, control activities and follow-ups show the risk number.
    UPDATE controls SET updated_at = ts WHERE risk_id = NEW.id AND updated_at < ts;
    UPDATE control_activities SET updated_at = ts
      WHERE control_id IN (SELECT id FROM controls WHERE risk_id = NEW.id) AND updated_at < ts;
    UPDATE follow_ups SET updated_at = ts
      WHERE control_activity_id IN (SELECT ca.id FROM control_activities ca JOIN controls c ON c.id = ca.control_id WHERE c.risk_id = NEW.id)
        AND updated_at < ts;
  ELSIF TG_TABLE_NAME = 'controls' THEN
    -- Control activities and follow-ups show the control's risk.
    UPDATE control_activities SET updated_at = ts WHERE control_id = NEW.id AND updated_at < ts;
    UPDATE follow_ups SET updated_at = ts
      WHERE control_activity_id IN (SELECT id FROM control_activities WHERE control_id = NEW.id) AND updated_at < ts;
  ELSIF TG_TABLE_NAME = 'control_activities' THEN
    UPDATE follow_ups SET updated_at = ts WHERE control_activity_id = NEW.id AND updated_at < ts;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER plans_export_touch AFTER UPDATE ON plans FOR EACH ROW
  WHEN (OLD.ikp_threshold IS DISTINCT FROM NEW.ikp_threshold OR OLD.matrix IS DISTINCT FROM NEW.matrix)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
CREATE TRIGGER processes_export_touch AFTER UPDATE ON processes FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.goal_id IS DISTINCT FROM NEW.goal_id)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
CREATE TRIGGER working_methods_export_touch AFTER UPDATE ON working_methods FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.process_id IS DISTINCT FROM NEW.process_id)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
CREATE TRIGGER risks_export_touch AFTER UPDATE ON risks FOR EACH ROW
  WHEN (OLD.nr IS DISTINCT FROM NEW.nr)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
CREATE TRIGGER controls_export_touch AFTER UPDATE ON controls FOR EACH ROW
  WHEN (OLD.risk_id IS DISTINCT FROM NEW.risk_id)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
CREATE TRIGGER control_activities_export_touch AFTER UPDATE ON control_activities FOR EACH ROW
  WHEN (OLD.control_id IS DISTINCT FROM NEW.control_id)
  EXECUTE FUNCTION export_touch_children();--> statement-breakpoint
-- 3. Tombstones for the `deletions` export: one per deleted row of every dataset, cascaded ones included.
--    A plan's is written BEFORE its delete, so rows removed by the cascade still find its nämnd and year.
CREATE OR REPLACE FUNCTION export_tombstone() RETURNS trigger AS $$
DECLARE
  r jsonb := to_jsonb(OLD);
  pid uuid := CASE WHEN TG_TABLE_NAME = 'plans' THEN OLD.id ELSE (r ->> 'plan_id')::uuid END;
  code text := r ->> 'code';
  yr integer := CASE WHEN TG_TABLE_NAME = 'goals' THEN (r ->> 'year')::integer END;
BEGIN
  IF TG_TABLE_NAME = 'goals' THEN
    code := NULL;
  END IF;
  IF pid IS NOT NULL THEN
    SELECT n.code, p.year INTO code, yr FROM plans p JOIN namnder n ON n.id = p.namnd_id WHERE p.id = pid;
    IF NOT FOUND THEN
      SELECT d.namnd_code, d.year INTO code, yr FROM export_deletions d
        WHERE d.row_id = pid::text AND d.dataset = 'plans' ORDER BY d.id DESC LIMIT 1;
    END IF;
  END IF;
  INSERT INTO export_deletions (dataset, row_id, plan_id, namnd_code, year) VALUES (TG_ARGV[0], OLD.id::text, pid, code, yr);
  -- Rows of the bridge and cell datasets go with their owner; their row_id is the key columns joined by '/'.
  IF TG_TABLE_NAME = 'actions' THEN
    INSERT INTO export_deletions (dataset, row_id, plan_id, namnd_code, year)
      SELECT 'action-tags', OLD.id::text || '/' || t, pid, code, yr FROM unnest(OLD.tags) t;
  ELSIF TG_TABLE_NAME = 'control_activities' THEN
    INSERT INTO export_deletions (dataset, row_id, plan_id, namnd_code, year)
      SELECT 'control-activity-periods', OLD.id::text || '/' || x::text, pid, code, yr FROM unnest(OLD.periods) x;
  ELSIF TG_TABLE_NAME = 'plans' THEN
    INSERT INTO export_deletions (dataset, row_id, plan_id, namnd_code, year)
      SELECT 'risk-matrix-cells', OLD.id::text || '/' || l || '/' || c, pid, code, yr
        FROM generate_series(1, 5) l, generate_series(1, 5) c;
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER namnder_export_tombstone AFTER DELETE ON namnder FOR EACH ROW EXECUTE FUNCTION export_tombstone('namnder');--> statement-breakpoint
CREATE TRIGGER goals_export_tombstone AFTER DELETE ON goals FOR EACH ROW EXECUTE FUNCTION export_tombstone('goals');--> statement-breakpoint
CREATE TRIGGER plans_export_tombstone BEFORE DELETE ON plans FOR EACH ROW EXECUTE FUNCTION export_tombstone('plans');--> statement-breakpoint
CREATE TRIGGER processes_export_tombstone AFTER DELETE ON processes FOR EACH ROW EXECUTE FUNCTION export_tombstone('processes');--> statement-breakpoint
CREATE TRIGGER working_methods_export_tombstone AFTER DELETE ON working_methods FOR EACH ROW EXECUTE FUNCTION export_tombstone('working-methods');--> statement-breakpoint
CREATE TRIGGER risks_export_tombstone AFTER DELETE ON risks FOR EACH ROW EXECUTE FUNCTION export_tombstone('risks');--> statement-breakpoint
CREATE TRIGGER controls_export_tombstone AFTER DELETE ON controls FOR EACH ROW EXECUTE FUNCTION export_tombstone('controls');--> statement-breakpoint
CREATE TRIGGER control_activities_export_tombstone AFTER DELETE ON control_activities FOR EACH ROW EXECUTE FUNCTION export_tombstone('control-activities');--> statement-breakpoint
CREATE TRIGGER follow_ups_export_tombstone AFTER DELETE ON follow_ups FOR EACH ROW EXECUTE FUNCTION export_tombstone('follow-ups');--> statement-breakpoint
CREATE TRIGGER actions_export_tombstone AFTER DELETE ON actions FOR EACH ROW EXECUTE FUNCTION export_tombstone('actions');--> statement-breakpoint
CREATE TRIGGER assessments_export_tombstone AFTER DELETE ON assessments FOR EACH ROW EXECUTE FUNCTION export_tombstone('assessments');--> statement-breakpoint
-- 4. Bridge rows removed or brought back by an update: a removed tag or period gets a tombstone; one that
--    comes back loses it, so "changed rows minus deletions" never drops a row that exists.
CREATE OR REPLACE FUNCTION export_bridge_tombstones() RETURNS trigger AS $$
DECLARE
  ds text := TG_ARGV[0];
  old_keys text[];
  new_keys text[];
  code text;
  yr integer;
BEGIN
  IF TG_TABLE_NAME = 'actions' THEN
    old_keys := CASE WHEN TG_OP = 'UPDATE' THEN ARRAY(SELECT OLD.id::text || '/' || t FROM unnest(OLD.tags) t) ELSE '{}' END;
    new_keys := ARRAY(SELECT NEW.id::text || '/' || t FROM unnest(NEW.tags) t);
  ELSE
    old_keys := CASE WHEN TG_OP = 'UPDATE' THEN ARRAY(SELECT OLD.id::text || '/' || x::text FROM unnest(OLD.periods) x) ELSE '{}' END;
    new_keys := ARRAY(SELECT NEW.id::text || '/' || x::text FROM unnest(NEW.periods) x);
  END IF;
  DELETE FROM export_deletions WHERE dataset = ds AND row_id = ANY (new_keys);
  IF EXISTS (SELECT 1 FROM unnest(old_keys) k WHERE k <> ALL (new_keys)) THEN
    SELECT n.code, p.year INTO code, yr FROM plans p JOIN namnder n ON n.id = p.namnd_id WHERE p.id = NEW.plan_id;
    INSERT INTO export_deletions (dataset, row_id, plan_id, namnd_code, year)
      SELECT ds, k, NEW.plan_id, code, yr FROM unnest(old_keys) k WHERE k <> ALL (new_keys);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER actions_export_bridge AFTER INSERT OR UPDATE OF tags ON actions FOR EACH ROW EXECUTE FUNCTION export_bridge_tombstones('action-tags');--> statement-breakpoint
CREATE TRIGGER control_activities_export_bridge AFTER INSERT OR UPDATE OF periods ON control_activities FOR EACH ROW EXECUTE FUNCTION export_bridge_tombstones('control-activity-periods');
