CREATE TYPE "public"."aura_language" AS ENUM('fr', 'en');--> statement-breakpoint
CREATE TYPE "public"."aura_session_status" AS ENUM('active', 'paused', 'completed', 'expired', 'cancelled', 'error');--> statement-breakpoint
CREATE TYPE "public"."aura_session_type" AS ENUM('practice', 'presentation', 'training', 'live_coaching', 'evaluation');--> statement-breakpoint
CREATE TYPE "public"."aura_analysis_source" AS ENUM('chunk', 'upload', 'stream');--> statement-breakpoint
CREATE TYPE "public"."aura_feedback_kind" AS ENUM('realtime', 'coaching', 'report');--> statement-breakpoint
CREATE TYPE "public"."aura_feedback_source" AS ENUM('rules', 'model');--> statement-breakpoint
CREATE TABLE "aura_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text,
	"description" text,
	"session_type" "aura_session_type" NOT NULL,
	"language" "aura_language" NOT NULL,
	"status" "aura_session_status" DEFAULT 'active' NOT NULL,
	"config" jsonb NOT NULL,
	"state" jsonb NOT NULL,
	"snapshot" jsonb,
	"scores" jsonb,
	"overall_score" integer,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aura_analyses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"source" "aura_analysis_source" NOT NULL,
	"start_ms" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"scores" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aura_feedback" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"kind" "aura_feedback_kind" NOT NULL,
	"source" "aura_feedback_source" NOT NULL,
	"fallback_reason" text,
	"overall_score" integer,
	"at_ms" integer NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aura_milestones" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" uuid,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"data" jsonb NOT NULL,
	"achieved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_coaching_reports" (
	"call_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"language" text NOT NULL,
	"analysis" jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"coaching" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "aura_sessions" ADD CONSTRAINT "aura_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_sessions" ADD CONSTRAINT "aura_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_analyses" ADD CONSTRAINT "aura_analyses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_analyses" ADD CONSTRAINT "aura_analyses_session_id_aura_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."aura_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_feedback" ADD CONSTRAINT "aura_feedback_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_feedback" ADD CONSTRAINT "aura_feedback_session_id_aura_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."aura_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_milestones" ADD CONSTRAINT "aura_milestones_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_milestones" ADD CONSTRAINT "aura_milestones_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aura_milestones" ADD CONSTRAINT "aura_milestones_session_id_aura_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."aura_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_coaching_reports" ADD CONSTRAINT "call_coaching_reports_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_coaching_reports" ADD CONSTRAINT "call_coaching_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aura_sessions_tenant_user_created_idx" ON "aura_sessions" USING btree ("tenant_id","user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "aura_analyses_session_seq_key" ON "aura_analyses" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "aura_analyses_tenant_session_idx" ON "aura_analyses" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "aura_feedback_tenant_session_created_idx" ON "aura_feedback" USING btree ("tenant_id","session_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "aura_milestones_user_key" ON "aura_milestones" USING btree ("tenant_id","user_id","key");