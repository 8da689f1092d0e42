-- Follow-up deadlines as master data per year (issue 14): a row only where the city moved a period's deadline;
-- a year without one keeps 30 April, 31 August, 31 December (src/modules/follow-ups/deadlines.ts).
CREATE TABLE "period_deadlines" (
	"year" integer NOT NULL,
	"period" "period" NOT NULL,
	"deadline" date NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "period_deadlines_pkey" PRIMARY KEY("year","period")
);
--> statement-breakpoint
-- The service role's ordinary grants (0004's default privileges give them too; said here so no setup depends on it).
GRANT SELECT, INSERT, UPDATE, DELETE ON "period_deadlines" TO internkontroll_service;
