"""gunicorn's own request limits, so a hostile request line or header stops at a bounded size.

What gunicorn refuses (a request line over 8190 bytes, a header over 8190, more than 100
headers) is answered by gunicorn itself, before Django runs: README.md, "Hostile input".
"""

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
