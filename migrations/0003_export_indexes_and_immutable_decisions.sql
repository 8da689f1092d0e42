CREATE INDEX "control_activities_updated_idx" ON "control_activities" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "controls_updated_idx" ON "controls" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "processes_updated_idx" ON "processes" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "risks_updated_idx" ON "risks" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "working_methods_updated_idx" ON "working_methods" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "actions_updated_idx" ON "actions" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "follow_ups_updated_idx" ON "follow_ups" USING btree ("updated_at");--> statement-breakpoint
-- A decision records what the nämnd adopted: it is never rewritten (a reopen and a new adoption add a new one).
CREATE OR REPLACE FUNCTION plan_decisions_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'plan_decisions are immutable: UPDATE is not allowed'
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER plan_decisions_no_update
  BEFORE UPDATE ON plan_decisions
  FOR EACH ROW EXECUTE FUNCTION plan_decisions_refuse_update();
