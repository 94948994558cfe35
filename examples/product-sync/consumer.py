#!/usr/bin/env python3
"""Keeps a product's view of who has access to it, from Roster: a snapshot, then the feed.

    ROSTER_URL=http://127.0.0.1:8080 ROSTER_TOKEN=roster_svc_... \
        python3 consumer.py <siteId> <productId>

The token needs the `access:read` and `events:read` scopes. Only the standard library is used.
The script prints the product's users after the snapshot and whenever access changes; stop it
with Ctrl-C. A real product would keep `access` and `cursor` in its own database, in one
transaction per batch, so a restart goes on from the cursor.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("ROSTER_URL", "http://127.0.0.1:8080").rstrip("/")
TOKEN = os.environ["ROSTER_TOKEN"]


def get(path, **query):
    url = f"{BASE}{path}"
    query = {k: v for k, v in query.items() if v is not None}
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def snapshot(site, product):
    """Every user with access, and the feed cursor from before the first page."""
    access, cursor, page_cursor = {}, None, None
    while True:
        page = get(f"/api/v1/sites/{site}/products/{product}/users", limit=200, cursor=page_cursor)
        cursor = cursor or page["feedCursor"]
        for user in page["items"]:
            access[user["id"]] = (user["userName"], user["role"])
        page_cursor = page.get("nextCursor")
        if not page_cursor:
            return access, cursor


def apply(access, product, event):
    """One event; applying the same event twice changes nothing."""
    data = event["data"]
    if data.get("productId") != product:
        return False
    user = data["user"]
    if event["type"] == "access.granted":
        access[user["id"]] = (user["userName"], data["role"])
    elif event["type"] == "access.revoked":
        access.pop(user["id"], None)
    return True


def show(access):
    print(f"{len(access)} users:", ", ".join(f"{n} ({r})" for n, r in sorted(access.values())))
    sys.stdout.flush()


def main():
    site, product = sys.argv[1], sys.argv[2]
    access, cursor = snapshot(site, product)
    show(access)
    while True:
        try:
            page = get("/api/v1/events", after=cursor, types="access.*", wait=30)
        except urllib.error.HTTPError as error:
            if error.code == 410:
                # The cursor is older than the feed keeps: start again from a snapshot.
                access, cursor = snapshot(site, product)
                show(access)
                continue
            raise
        changed = False
        for event in page["events"]:
            changed |= apply(access, product, event)
        cursor = page["next"]
        if changed:
            show(access)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
