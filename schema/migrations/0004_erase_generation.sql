ALTER TABLE `occasions` ADD `answers_erased_at` integer;--> statement-breakpoint
ALTER TABLE `participants` ADD `erase_generation` integer DEFAULT 0 NOT NULL;