CREATE TABLE "handlehome_customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"first_name" text,
	"last_name" text,
	"phone" text,
	"email" text,
	"address" text,
	"company_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handlehome_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"call_id" uuid,
	"customer_id" uuid,
	"caller_first_name" text,
	"caller_last_name" text,
	"caller_phone" text,
	"request_type" text NOT NULL,
	"services" text,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'nouveau' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handlehome_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid,
	"customer_name" text,
	"call_id" uuid,
	"request_id" uuid,
	"date" text NOT NULL,
	"time" text NOT NULL,
	"date_asap" boolean DEFAULT false NOT NULL,
	"time_asap" boolean DEFAULT false NOT NULL,
	"duration_min" integer NOT NULL,
	"type" text NOT NULL,
	"modality" text NOT NULL,
	"party_size" integer,
	"description" text,
	"internal_notes" text,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'confirme' NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handlehome_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"slot_minutes" integer NOT NULL,
	"default_duration_min" integer NOT NULL,
	"capacity" integer NOT NULL,
	"asap_lead_minutes" integer NOT NULL,
	"default_region" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "handlehome_customers" ADD CONSTRAINT "handlehome_customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_requests" ADD CONSTRAINT "handlehome_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_requests" ADD CONSTRAINT "handlehome_requests_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_requests" ADD CONSTRAINT "handlehome_requests_customer_id_handlehome_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."handlehome_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_orders" ADD CONSTRAINT "handlehome_orders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_orders" ADD CONSTRAINT "handlehome_orders_customer_id_handlehome_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."handlehome_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_orders" ADD CONSTRAINT "handlehome_orders_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_orders" ADD CONSTRAINT "handlehome_orders_request_id_handlehome_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."handlehome_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlehome_settings" ADD CONSTRAINT "handlehome_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "handlehome_customers_tenant_phone_key" ON "handlehome_customers" USING btree ("tenant_id","phone");--> statement-breakpoint
CREATE INDEX "handlehome_customers_tenant_name_idx" ON "handlehome_customers" USING btree ("tenant_id","last_name","first_name");--> statement-breakpoint
CREATE UNIQUE INDEX "handlehome_requests_tenant_call_key" ON "handlehome_requests" USING btree ("tenant_id","call_id");--> statement-breakpoint
CREATE INDEX "handlehome_requests_tenant_occurred_idx" ON "handlehome_requests" USING btree ("tenant_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "handlehome_requests_customer_idx" ON "handlehome_requests" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "handlehome_orders_tenant_call_key" ON "handlehome_orders" USING btree ("tenant_id","call_id");--> statement-breakpoint
CREATE INDEX "handlehome_orders_tenant_date_idx" ON "handlehome_orders" USING btree ("tenant_id","date","time");--> statement-breakpoint
CREATE INDEX "handlehome_orders_customer_idx" ON "handlehome_orders" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "handlehome_orders_request_idx" ON "handlehome_orders" USING btree ("request_id");