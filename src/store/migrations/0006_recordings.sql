CREATE TYPE "public"."recording_status" AS ENUM('recording', 'ready', 'failed', 'deleted');--> statement-breakpoint
CREATE TABLE "recordings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"path" text NOT NULL,
	"format" text NOT NULL,
	"sample_rate_hz" integer NOT NULL,
	"channels" integer NOT NULL,
	"duration_ms" integer,
	"bytes" bigint,
	"status" "recording_status" DEFAULT 'recording' NOT NULL,
	"note" text,
	"retention_days" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"transcript" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "recording" jsonb DEFAULT '{"enabled":false,"retentionDays":30,"transcribe":false}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "recordings_call_key" ON "recordings" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "recordings_tenant_created_idx" ON "recordings" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "recordings_status_expires_idx" ON "recordings" USING btree ("status","expires_at");