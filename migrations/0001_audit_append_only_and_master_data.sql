-- The audit trail is append-only: the service can only insert, and the database refuses anything else.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
-- Master data: the city's default risk matrix (Låg RV ≤ 4, Medium 5–10, Kritisk ≥ 12).
INSERT INTO settings (key, value) VALUES ('default_matrix', '{"bands":[{"key":"LAG","label":"Låg","color":"#70AD47"},{"key":"MEDIUM","label":"Medium","color":"#FFC000"},{"key":"KRITISK","label":"Kritisk","color":"#C00000"}],"cells":[["LAG","LAG","LAG","LAG","MEDIUM"],["LAG","LAG","MEDIUM","MEDIUM","MEDIUM"],["LAG","MEDIUM","MEDIUM","KRITISK","KRITISK"],["LAG","MEDIUM","KRITISK","KRITISK","KRITISK"],["MEDIUM","MEDIUM","KRITISK","KRITISK","KRITISK"]]}'::jsonb)
  ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
-- Master data: the city-wide mandatory process (R5) and its five working methods, with the spellings documents use.
INSERT INTO mandatory_processes (name, aliases, goal_code, from_year)
  VALUES ('Systematiskt informationssäkerhetsarbete', ARRAY['Systematiskt informationssäkerhetsarbete (SIS)'], '3.5', 2024)
  ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
INSERT INTO mandatory_working_methods (mandatory_process_id, name, aliases, sort_order)
SELECT p.id, v.name, v.aliases, v.sort_order
FROM mandatory_processes p,
  (VALUES
    ('Behörighetshantering', ARRAY[]::text[], 1),
    ('Implementering av lokal anvisning', ARRAY['Implementering av lokal anvisning för informationssäkerhet'], 2),
    ('Incidenthantering', ARRAY['Incidenthanteringsprocess', 'Hantering av informationssäkerhetsincidenter'], 3),
    ('Informationsklassning', ARRAY[]::text[], 4),
    ('Informationssäkerhet inom upphandlingsförfarandet', ARRAY['Informationssäkerhet inom upphandlingsförfarande', 'Informationssäkerhet i upphandlingsförfarandet'], 5)
  ) AS v(name, aliases, sort_order)
WHERE p.name = 'Systematiskt informationssäkerhetsarbete'
ON CONFLICT ON CONSTRAINT mandatory_wm_process_name_unique DO NOTHING;
