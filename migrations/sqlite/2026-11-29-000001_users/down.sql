DROP INDEX IF EXISTS users_county_idx;
DROP INDEX IF EXISTS users_role_idx;
DROP TABLE users;
