CREATE TYPE "public"."namnd_kind" AS ENUM('NAMND', 'BOLAG');--> statement-breakpoint
CREATE TYPE "public"."plan_status" AS ENUM('DRAFT', 'ADOPTED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "public"."ikp_override" AS ENUM('INCLUDE', 'EXCLUDE');--> statement-breakpoint
CREATE TYPE "public"."period" AS ENUM('T1', 'T2', 'VB');--> statement-breakpoint
CREATE TYPE "public"."action_status" AS ENUM('PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."assessment_level" AS ENUM('TILLRACKLIG', 'I_HUVUDSAK_TILLRACKLIG', 'INTE_TILLRACKLIG');--> statement-breakpoint
CREATE TYPE "public"."follow_up_outcome" AS ENUM('NO_DEVIATION', 'DEVIATION', 'NOT_PERFORMED');--> statement-breakpoint
CREATE TYPE "public"."follow_up_status" AS ENUM('NOT_STARTED', 'IN_PROGRESS', 'REPORTED');--> statement-breakpoint
CREATE TABLE "namnder" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "namnd_kind" DEFAULT 'NAMND' NOT NULL,
	"forvaltning" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "namnder_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"inriktningsmal" smallint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goals_year_code_unique" UNIQUE("year","code")
);
--> statement-breakpoint
CREATE TABLE "mandatory_processes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"aliases" text[] DEFAULT '{}' NOT NULL,
	"goal_code" text NOT NULL,
	"from_year" integer NOT NULL,
	"to_year" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mandatory_processes_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "mandatory_working_methods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mandatory_process_id" uuid NOT NULL,
	"name" text NOT NULL,
	"aliases" text[] DEFAULT '{}' NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mandatory_wm_process_name_unique" UNIQUE("mandatory_process_id","name")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"decision_date" date NOT NULL,
	"reference" text NOT NULL,
	"adopted_by" text NOT NULL,
	"adopted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"snapshot" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"namnd_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"status" "plan_status" DEFAULT 'DRAFT' NOT NULL,
	"ikp_threshold" integer DEFAULT 9 NOT NULL,
	"matrix" jsonb NOT NULL,
	"decision_date" date,
	"decision_reference" text,
	"origin_plan_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_namnd_year_unique" UNIQUE("namnd_id","year")
);
--> statement-breakpoint
CREATE TABLE "control_activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"control_id" uuid NOT NULL,
	"description" text NOT NULL,
	"responsible" text,
	"periods" "period"[] DEFAULT '{"T1","T2","VB"}' NOT NULL,
	"frequency" text,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"origin_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "controls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"risk_id" uuid NOT NULL,
	"description" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"origin_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"goal_id" uuid NOT NULL,
	"name" text NOT NULL,
	"mandatory_process_id" uuid,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"origin_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"working_method_id" uuid NOT NULL,
	"nr" integer NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"likelihood" smallint,
	"consequence" smallint,
	"ikp_override" "ikp_override",
	"ikp_motivation" text,
	"previous_likelihood" smallint,
	"previous_consequence" smallint,
	"origin_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risks_plan_nr_unique" UNIQUE("plan_id","nr")
);
--> statement-breakpoint
CREATE TABLE "working_methods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"process_id" uuid NOT NULL,
	"name" text NOT NULL,
	"mandatory_working_method_id" uuid,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"origin_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"follow_up_id" uuid,
	"origin_action_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"owner" text,
	"due_date" date,
	"planned_year" integer,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"status" "action_status" DEFAULT 'PLANNED' NOT NULL,
	"status_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"level" "assessment_level" NOT NULL,
	"analysis" text NOT NULL,
	"assessed_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessments_plan_id_unique" UNIQUE("plan_id")
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"control_activity_id" uuid NOT NULL,
	"period" "period" NOT NULL,
	"status" "follow_up_status" DEFAULT 'NOT_STARTED' NOT NULL,
	"outcome" "follow_up_outcome",
	"result_text" text,
	"explanation" text,
	"reported_at" timestamp with time zone,
	"reported_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_ups_activity_period_unique" UNIQUE("control_activity_id","period")
);
--> statement-breakpoint
CREATE TABLE "audit_chain_heads" (
	"chain" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"namnd_code" text,
	"from_state" text,
	"to_state" text,
	"reason" text,
	"changes" jsonb,
	"request_id" text,
	"chain" text NOT NULL,
	"chain_seq" bigint NOT NULL,
	"prev_hash" text,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mandatory_working_methods" ADD CONSTRAINT "mandatory_working_methods_mandatory_process_id_mandatory_processes_id_fk" FOREIGN KEY ("mandatory_process_id") REFERENCES "public"."mandatory_processes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_decisions" ADD CONSTRAINT "plan_decisions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_namnd_id_namnder_id_fk" FOREIGN KEY ("namnd_id") REFERENCES "public"."namnder"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_activities" ADD CONSTRAINT "control_activities_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_activities" ADD CONSTRAINT "control_activities_control_id_controls_id_fk" FOREIGN KEY ("control_id") REFERENCES "public"."controls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "controls" ADD CONSTRAINT "controls_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "controls" ADD CONSTRAINT "controls_risk_id_risks_id_fk" FOREIGN KEY ("risk_id") REFERENCES "public"."risks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processes" ADD CONSTRAINT "processes_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processes" ADD CONSTRAINT "processes_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processes" ADD CONSTRAINT "processes_mandatory_process_id_mandatory_processes_id_fk" FOREIGN KEY ("mandatory_process_id") REFERENCES "public"."mandatory_processes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_working_method_id_working_methods_id_fk" FOREIGN KEY ("working_method_id") REFERENCES "public"."working_methods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "working_methods" ADD CONSTRAINT "working_methods_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "working_methods" ADD CONSTRAINT "working_methods_process_id_processes_id_fk" FOREIGN KEY ("process_id") REFERENCES "public"."processes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "working_methods" ADD CONSTRAINT "working_methods_mandatory_working_method_id_mandatory_working_methods_id_fk" FOREIGN KEY ("mandatory_working_method_id") REFERENCES "public"."mandatory_working_methods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_control_activity_id_control_activities_id_fk" FOREIGN KEY ("control_activity_id") REFERENCES "public"."control_activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "control_activities_plan_idx" ON "control_activities" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "control_activities_control_idx" ON "control_activities" USING btree ("control_id");--> statement-breakpoint
CREATE INDEX "controls_plan_idx" ON "controls" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "controls_risk_idx" ON "controls" USING btree ("risk_id");--> statement-breakpoint
CREATE INDEX "processes_plan_idx" ON "processes" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "risks_working_method_idx" ON "risks" USING btree ("working_method_id");--> statement-breakpoint
CREATE INDEX "working_methods_plan_idx" ON "working_methods" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "working_methods_process_idx" ON "working_methods" USING btree ("process_id");--> statement-breakpoint
CREATE INDEX "actions_plan_idx" ON "actions" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "actions_follow_up_idx" ON "actions" USING btree ("follow_up_id");--> statement-breakpoint
CREATE INDEX "follow_ups_plan_idx" ON "follow_ups" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "audit_events_entity_idx" ON "audit_events" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_events_namnd_idx" ON "audit_events" USING btree ("namnd_code","id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor","id");--> statement-breakpoint
CREATE INDEX "audit_events_occurred_idx" ON "audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_seq_unique" ON "audit_events" USING btree ("chain","chain_seq");