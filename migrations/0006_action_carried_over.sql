-- Issue 14: carrying an action over to the next year is a transition; the original ends as CARRIED_OVER.
-- The value is only added here: PostgreSQL cannot use an enum value in the transaction that added it.
ALTER TYPE "public"."action_status" ADD VALUE 'CARRIED_OVER';--> statement-breakpoint
-- Action.carriedTo and the exports' carried_to_action_id look actions up by the action they came from.
CREATE INDEX "actions_origin_action_idx" ON "actions" USING btree ("origin_action_id");
