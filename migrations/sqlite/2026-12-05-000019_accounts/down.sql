ALTER TABLE users DROP COLUMN must_change_password;
DROP INDEX users_username_lower_key;
DROP INDEX login_failures_failed_at_idx;
DROP INDEX login_failures_client_ip_idx;
ALTER TABLE login_failures DROP COLUMN pending;
ALTER TABLE login_failures DROP COLUMN client_ip;
