"""usage_metered_limits(customer, now): a customer's metered overrides in force at its time (a
test clock's frozen time, else `now`), as a JSON object of metric code to limit (the newest per
metric wins), or NULL. A function, so the single-event ingestion statement names it in a few
bytes and stays within psycopg's parse cache (usage/statements.py)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION usage_metered_limits(customer text, now timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_object_agg(m.code, o.value ORDER BY o.created_at, o.id)
  FROM usage_entitlement_overrides o
  JOIN catalog_feature f
    ON f.id = o.feature_id AND f.type = 'metered' AND f.archived_at IS NULL
  JOIN usage_metric m ON m.id = f.metric_id
 WHERE o.customer_id = customer AND o.deleted_at IS NULL
   AND (o.expires_at IS NULL OR o.expires_at > COALESCE(
        (SELECT tc.frozen_time
           FROM billing_customer c
           JOIN billing_testclock tc ON tc.id = c.test_clock_id AND tc.deleted_at IS NULL
          WHERE c.id = customer),
        now))
$$;
"""

DROP = "DROP FUNCTION IF EXISTS usage_metered_limits(text, timestamptz);"


class Migration(migrations.Migration):
    dependencies = [
        ("usage", "0008_entitlement_overrides"),
        ("catalog", "0003_features"),
        ("billing", "0008_test_clocks"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
