"""The fixed 1 KB JSON body both reference endpoints return."""

import json


def _one_kilobyte_json() -> bytes:
    body = {
        "items": [{"id": n, "title": f"Reference item {n:02d}"} for n in range(20)],
        "pad": "",
    }
    body["pad"] = "x" * (1024 - len(json.dumps(body).encode()))
    return json.dumps(body).encode()


PAYLOAD = _one_kilobyte_json()
