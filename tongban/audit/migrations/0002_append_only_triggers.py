"""On PostgreSQL, the database itself keeps the audit log append-only.

See ``tongban.audit.models`` for the design. ``audit_auditevent``: UPDATE only to seal an
unsealed row once, leaving every other column as it was; DELETE only inside the retention
purge (``SET LOCAL tongban.audit_purge = 'on'``) and only for sealed rows older than 184 days.
``audit_auditchainanchor``: no UPDATE or DELETE at all. SQLite (one developer's machine)
has no such guard; there the services are the only writers.
"""

from django.db import migrations

SEAL_COLUMNS = "ARRAY['seal_sequence', 'seal_previous_hash', 'seal_hash', 'sealed_at']"

CREATE = f"""
CREATE OR REPLACE FUNCTION tongban_audit_event_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seal_hash IS NULL
           AND NEW.seal_hash IS NOT NULL
           AND (to_jsonb(NEW) - {SEAL_COLUMNS}) = (to_jsonb(OLD) - {SEAL_COLUMNS}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: only an unsealed event may be sealed, once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF current_setting('tongban.audit_purge', true) = 'on'
       AND OLD.seal_hash IS NOT NULL
       AND OLD.occurred_at < now() - interval '184 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: only the retention purge deletes, and only sealed events older than six months'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION tongban_audit_event_guard();

CREATE OR REPLACE FUNCTION tongban_audit_anchor_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit chain anchors are append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_anchor_append_only
    BEFORE UPDATE OR DELETE ON audit_auditchainanchor
    FOR EACH ROW EXECUTE FUNCTION tongban_audit_anchor_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_anchor_append_only ON audit_auditchainanchor;
DROP FUNCTION IF EXISTS tongban_audit_anchor_guard();
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS tongban_audit_event_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
