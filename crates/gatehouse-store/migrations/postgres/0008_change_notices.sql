-- Nodes cache what rarely changes: the signing keys and the OAuth clients.
-- Every node LISTENs on gatehouse_changes and re-reads or forgets what another
-- process changed. Triggers rather than application code, so that every
-- writer is heard: another node, the CLI, an operator's own SQL.

CREATE FUNCTION gatehouse_notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gatehouse_changes', 'keys');
    RETURN NULL;
END
$$;

CREATE TRIGGER signing_keys_changed
    AFTER INSERT OR UPDATE OR DELETE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_keys();

CREATE FUNCTION gatehouse_notify_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gatehouse_changes', 'client:' || OLD.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER oauth_clients_changed
    AFTER UPDATE OR DELETE ON oauth_clients
    FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_client();
