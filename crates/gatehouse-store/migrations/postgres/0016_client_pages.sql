-- An OAuth client's home page and logo (RFC 7591 `client_uri`, `logo_uri`),
-- shown on the login and consent pages (issue 20). Both optional.
ALTER TABLE oauth_clients ADD COLUMN client_uri TEXT;
ALTER TABLE oauth_clients ADD COLUMN logo_uri TEXT;
