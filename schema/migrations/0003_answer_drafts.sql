CREATE TABLE `draft_answers` (
	`occasion_id` integer NOT NULL,
	`participant_id` integer NOT NULL,
	`instrument_version_id` integer NOT NULL,
	`item_key` text NOT NULL,
	`value` real,
	`not_applicable` integer DEFAULT false NOT NULL,
	`comment` text,
	`saved_at` integer NOT NULL,
	PRIMARY KEY(`occasion_id`, `instrument_version_id`, `item_key`),
	FOREIGN KEY (`occasion_id`) REFERENCES `occasions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `draft_answers_participant` ON `draft_answers` (`participant_id`);--> statement-breakpoint
CREATE TABLE `drafts` (
	`occasion_id` integer PRIMARY KEY NOT NULL,
	`participant_id` integer NOT NULL,
	`page` integer DEFAULT 0 NOT NULL,
	`stamps` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`occasion_id`) REFERENCES `occasions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `drafts_participant` ON `drafts` (`participant_id`);