CREATE INDEX `audit_log_pilot_action` ON `audit_log` (`pilot_id`,`action`);--> statement-breakpoint
CREATE INDEX `outbox_occasion` ON `outbox` (`occasion_id`);--> statement-breakpoint
CREATE INDEX `outbox_pilot_participant` ON `outbox` (`pilot_id`,`participant_id`);--> statement-breakpoint
CREATE INDEX `secure_links_occasion` ON `secure_links` (`occasion_id`);