"""How a value is written as text in the change log and in JSON columns."""

from __future__ import annotations

import json

# Compact but for the default separators, non-ASCII as is. Every writer of log
# text uses this, so the same value is the same text on every device.
json_text = json.JSONEncoder(ensure_ascii=False).encode
