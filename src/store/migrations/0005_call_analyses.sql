CREATE TYPE "public"."call_analysis_status" AS ENUM('succeeded', 'skipped');--> statement-breakpoint
CREATE TABLE "call_analyses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"status" "call_analysis_status" NOT NULL,
	"reason" text,
	"summary" text,
	"extraction" jsonb,
	"evaluation" jsonb,
	"model" text,
	"usage" jsonb,
	"plan" jsonb NOT NULL,
	"analyzed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_analyses" ADD CONSTRAINT "call_analyses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_analyses" ADD CONSTRAINT "call_analyses_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "call_analyses_call_key" ON "call_analyses" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "call_analyses_tenant_idx" ON "call_analyses" USING btree ("tenant_id","analyzed_at");