#!/usr/bin/env python3
"""A webhook receiver that checks Roster's signatures with the Standard Webhooks library.

    pip install standardwebhooks
    WEBHOOK_SECRET=whsec_... python3 receiver.py 9000

Create the endpoint as `http://127.0.0.1:9000/` (Roster started with --webhook-allow-private)
or behind HTTPS. Each event's id is the same on every retry: a receiver that has seen an id
answers 2xx again and does nothing else.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook

VERIFIER = Webhook(os.environ["WEBHOOK_SECRET"])
SEEN = set()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            event = VERIFIER.verify(body, dict(self.headers))
        except Exception as error:  # a wrong signature or an old timestamp
            print("refused:", error)
            self.send_response(400)
            self.end_headers()
            return
        if event["id"] not in SEEN:
            SEEN.add(event["id"])
            print(event["type"], json.dumps(event["data"]))
            sys.stdout.flush()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
