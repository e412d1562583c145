CREATE TABLE `kiosk_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`occasion_id` integer NOT NULL,
	`participant_id` integer NOT NULL,
	`pilot_id` integer NOT NULL,
	`staff_user_id` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`occasion_id`) REFERENCES `occasions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pilot_id`) REFERENCES `pilots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kiosk_sessions_token_hash_unique` ON `kiosk_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `kiosk_sessions_occasion` ON `kiosk_sessions` (`occasion_id`);--> statement-breakpoint
ALTER TABLE `occasions` ADD `link_generation` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `responses` ADD `entered_by` integer REFERENCES staff_users(id);