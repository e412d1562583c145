CREATE TABLE `comment_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pilot_id` integer NOT NULL,
	`label` text NOT NULL,
	`description` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`pilot_id`) REFERENCES `pilots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comment_codes_pilot_label` ON `comment_codes` (`pilot_id`,`label`);--> statement-breakpoint
CREATE TABLE `comment_tags` (
	`response_id` integer NOT NULL,
	`code_id` integer NOT NULL,
	`tagged_by` integer,
	`tagged_at` integer NOT NULL,
	PRIMARY KEY(`response_id`, `code_id`),
	FOREIGN KEY (`response_id`) REFERENCES `responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`code_id`) REFERENCES `comment_codes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tagged_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `comment_tags_code` ON `comment_tags` (`code_id`);--> statement-breakpoint
CREATE TABLE `signals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pilot_id` integer NOT NULL,
	`participant_id` integer NOT NULL,
	`rule` text NOT NULL,
	`indicator` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`evidence` text NOT NULL,
	`evidence_key` text NOT NULL,
	`raised_at` integer NOT NULL,
	`evaluated_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` integer,
	`acknowledge_note` text,
	`notified_at` integer,
	FOREIGN KEY (`pilot_id`) REFERENCES `pilots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signals_participant_rule_indicator` ON `signals` (`participant_id`,`rule`,`indicator`);--> statement-breakpoint
CREATE INDEX `signals_pilot_status` ON `signals` (`pilot_id`,`status`);