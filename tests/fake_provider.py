#!/usr/bin/env python3
"""A fake of the provider admin APIs credence pushes to (OpenAI, Anthropic, LiteLLM, a signed
webhook), for tests only: listens on 127.0.0.1, checks auth headers and request shapes, keeps the
provider state in memory, records every request as JSON lines, and injects faults on demand.

Usage: fake_provider.py --port-file F --log F [--openai-key K] [--anthropic-key K]
                        [--litellm-key K] [--webhook-secret S]
Control (no auth): POST /_fault {"match": "DELETE /v1/organization/projects/", "status": 429,
  "times": 2, "retry_after": "1", "delay": 0, "drop": false, "message": "..."};
  POST /_reset; GET /_state; POST /_state {"deleted_keys": [...], ...} merges into the state.
Standard library only.
"""
import argparse
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
STATE = {}
FAULTS = []
ARGS = None


def reset_state():
    STATE.clear()
    STATE.update({
        "openai_spend_limits": {},      # project -> cents
        "openai_model_permissions": {},  # project -> {"mode", "model_ids"}
        "deleted_keys": [],             # OpenAI project key ids deleted
        "anthropic_keys": {},           # apikey id -> status
        "anthropic_spend_limits": {},   # workspace -> cents string
        "anthropic_spend_limits_available": True,
        "litellm_keys": {},             # key -> {"max_budget", "models", "blocked", "budget_duration"}
        "litellm_teams": {},            # team id -> same
        "webhook_events": {},           # idempotency key -> event
        "counts": {},                   # "METHOD /path" -> number of requests
    })
    FAULTS.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # --- plumbing -----------------------------------------------------------------------
    def body_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        self.raw_body = raw
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return "INVALID"

    def send(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (a test killed it): nothing to answer

    def record(self, body):
        entry = {"t": time.time(), "method": self.command, "path": self.path,
                 "idempotency_key": self.headers.get("Idempotency-Key"),
                 "headers": {k.lower(): v for k, v in self.headers.items()
                             if k.lower() in ("authorization", "x-api-key", "anthropic-version",
                                              "anthropic-beta", "x-credence-signature",
                                              "x-credence-timestamp", "content-type")},
                 "body": body if body != "INVALID" else self.raw_body.decode("latin-1")}
        with LOCK:
            key = self.command + " " + urlparse(self.path).path
            STATE["counts"][key] = STATE["counts"].get(key, 0) + 1
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def fault(self):
        """Applies the first matching fault; returns True when the response was handled."""
        line = self.command + " " + self.path
        with LOCK:
            for f in FAULTS:
                if line.startswith(f["match"]) and f.get("times", 1) > 0:
                    f["times"] = f.get("times", 1) - 1
                    break
            else:
                return False
        if f.get("delay"):
            time.sleep(float(f["delay"]))
        if f.get("drop"):
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return True
        if f.get("status"):
            headers = {"Retry-After": str(f["retry_after"])} if f.get("retry_after") else {}
            self.send(int(f["status"]), {"error": {"message": f.get("message", "injected fault"),
                                                   "type": "fault", "param": None, "code": None}},
                      headers)
            return True
        return False  # a pure delay: go on and answer normally

    def auth_ok(self, kind):
        h = self.headers
        if kind == "openai":
            return h.get("Authorization") == "Bearer " + ARGS.openai_key
        if kind == "anthropic":
            return (h.get("x-api-key") == ARGS.anthropic_key
                    and h.get("anthropic-version") == "2023-06-01")
        if kind == "litellm":
            return h.get("Authorization") == "Bearer " + ARGS.litellm_key
        if kind == "webhook":
            sig = h.get("X-Credence-Signature", "")
            want = "sha256=" + hmac.new(ARGS.webhook_secret.encode(), self.raw_body,
                                        hashlib.sha256).hexdigest()
            return hmac.compare_digest(sig, want) and h.get("X-Credence-Timestamp")
        return False

    def deny(self, kind):
        if kind == "anthropic":
            self.send(401, {"type": "error", "error": {"type": "authentication_error",
                                                       "message": "invalid x-api-key"}})
        else:
            self.send(401, {"error": {"message": "Incorrect API key provided", "type": "auth_error",
                                      "param": None, "code": "invalid_api_key"}})

    def bad(self, msg):
        self.send(400, {"error": {"message": msg, "type": "invalid_request_error", "param": None,
                                  "code": None}})

    # --- dispatch -----------------------------------------------------------------------
    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def handle_any(self):
        body = self.body_json()
        url = urlparse(self.path)
        path, query = url.path, parse_qs(url.query)
        if path.startswith("/_"):
            return self.control(path, body)
        self.record(body)
        if self.fault():
            return
        if body == "INVALID":
            return self.bad("body is not valid JSON")
        for pattern, kind, fn in ROUTES:
            m = re.fullmatch(pattern, self.command + " " + path)
            if m:
                if not self.auth_ok(kind):
                    return self.deny(kind)
                return fn(self, m, body, query)
        self.send(404, {"error": {"message": "no route " + self.command + " " + path,
                                  "type": "not_found"}})

    def control(self, path, body):
        with LOCK:
            if path == "/_fault" and self.command == "POST":
                FAULTS.append(body)
                return self.send(200, {"ok": True})
            if path == "/_reset":
                reset_state()
                return self.send(200, {"ok": True})
            if path == "/_state" and self.command == "POST":
                for k, v in (body or {}).items():
                    STATE[k] = v
                return self.send(200, {"ok": True})
            if path == "/_state":
                return self.send(200, STATE)
        self.send(404, {"error": "unknown control"})

    # --- OpenAI -------------------------------------------------------------------------
    def oa_spend_limit(self, m, body, q):
        project = m.group(1)
        if self.command == "POST":
            if (not isinstance(body, dict) or set(body) != {"threshold_amount", "currency", "interval"}
                    or not isinstance(body["threshold_amount"], int) or body["threshold_amount"] < 1
                    or body["currency"] != "USD" or body["interval"] != "month"):
                return self.bad("threshold_amount (integer cents >= 1), currency USD and "
                                "interval month are required")
            with LOCK:
                STATE["openai_spend_limits"][project] = body["threshold_amount"]
        with LOCK:
            cents = STATE["openai_spend_limits"].get(project)
        if cents is None:
            return self.send(404, {"error": {"message": "no spend limit", "type": "not_found"}})
        self.send(200, {"object": "project.spend_limit", "threshold_amount": cents,
                        "currency": "USD", "interval": "month",
                        "enforcement": {"status": "enforcing"}})

    def oa_model_permissions(self, m, body, q):
        project = m.group(1)
        if self.command == "POST":
            if (not isinstance(body, dict) or body.get("mode") not in ("allow_list", "deny_list")
                    or not isinstance(body.get("model_ids"), list)):
                return self.bad("mode and model_ids are required")
            with LOCK:
                STATE["openai_model_permissions"][project] = body
        with LOCK:
            perm = STATE["openai_model_permissions"].get(project, {"mode": "deny_list",
                                                                   "model_ids": []})
        self.send(200, {"object": "project.model_permissions", **perm})

    def oa_api_key(self, m, body, q):
        project, key = m.group(1), m.group(2)
        with LOCK:
            gone = key in STATE["deleted_keys"]
            if self.command == "DELETE" and not gone:
                STATE["deleted_keys"].append(key)
        if gone:
            return self.send(404, {"error": {"message": "No such API key: " + key,
                                             "type": "invalid_request_error", "param": None,
                                             "code": None}})
        if self.command == "DELETE":
            return self.send(200, {"object": "organization.project.api_key.deleted", "id": key,
                                   "deleted": True})
        self.send(200, {"object": "organization.project.api_key", "id": key,
                        "name": "key " + key, "redacted_value": "sk-...abcd",
                        "created_at": 1711471533, "last_used_at": None,
                        "owner_project_access": "active", "owner": {"type": "user"}})

    # --- Anthropic ----------------------------------------------------------------------
    def an_api_key(self, m, body, q):
        key = m.group(1)
        if self.command == "POST":
            if not isinstance(body, dict) or body.get("status") not in ("active", "inactive",
                                                                         "archived"):
                return self.send(400, {"type": "error", "error": {
                    "type": "invalid_request_error", "message": "status must be active|inactive"}})
            with LOCK:
                STATE["anthropic_keys"][key] = body["status"]
        with LOCK:
            status = STATE["anthropic_keys"].get(key, "active")
        self.send(200, {"type": "api_key", "id": key, "name": "key", "status": status,
                        "created_at": "2026-01-01T00:00:00Z", "partial_key_hint": "sk-ant-...AA"})

    def an_spend_limits(self, m, body, q):
        with LOCK:
            available = STATE["anthropic_spend_limits_available"]
        if not available:
            return self.send(403, {"type": "error", "error": {
                "type": "permission_error",
                "message": "Spend limits are not available for your organization"}})
        if self.command == "POST":
            ok = (isinstance(body, dict) and isinstance(body.get("amount"), str)
                  and body["amount"].isdigit() and body.get("period") == "monthly"
                  and isinstance(body.get("scope"), dict)
                  and body["scope"].get("type") == "workspace"
                  and body["scope"].get("workspace_id", "").startswith("wrkspc_"))
            if not ok:
                return self.send(400, {"type": "error", "error": {
                    "type": "invalid_request_error", "message": "bad spend limit"}})
            with LOCK:
                STATE["anthropic_spend_limits"][body["scope"]["workspace_id"]] = body["amount"]
            return self.send(200, {"type": "spend_limit", "id": "spl_1", "amount": body["amount"],
                                   "currency": "USD", "period": "monthly",
                                   "scope": body["scope"], "is_enabled": True})
        if self.headers.get("anthropic-beta") != "spend-limit-reads-2026-09-26":
            return self.send(400, {"type": "error", "error": {
                "type": "invalid_request_error", "message": "missing anthropic-beta header"}})
        with LOCK:
            rows = [{"type": "spend_limit", "id": "spl_%d" % i, "amount": a, "currency": "USD",
                     "period": "monthly", "scope": {"type": "workspace", "workspace_id": w},
                     "is_enabled": True}
                    for i, (w, a) in enumerate(sorted(STATE["anthropic_spend_limits"].items()))]
        self.send(200, {"data": rows, "next_page": None})

    # --- LiteLLM ------------------------------------------------------------------------
    def ll_update(self, m, body, q):
        kind = m.group(1)
        idf = "key" if kind == "key" else "team_id"
        if not isinstance(body, dict) or not body.get(idf):
            return self.bad(idf + " is required")
        store = STATE["litellm_keys" if kind == "key" else "litellm_teams"]
        with LOCK:
            row = store.setdefault(body[idf], {"max_budget": None, "models": [], "blocked": False})
            for f in ("max_budget", "models", "budget_duration"):
                if f in body:
                    row[f] = body[f]
        self.send(200, {idf: body[idf], **row})

    def ll_block(self, m, body, q):
        kind, verb = m.group(1), m.group(2)
        idf = "key" if kind == "key" else "team_id"
        if not isinstance(body, dict) or not body.get(idf):
            return self.bad(idf + " is required")
        store = STATE["litellm_keys" if kind == "key" else "litellm_teams"]
        with LOCK:
            row = store.setdefault(body[idf], {"max_budget": None, "models": [], "blocked": False})
            row["blocked"] = verb == "block"
        self.send(200, {idf: body[idf], **row})

    def ll_info(self, m, body, q):
        kind = m.group(1)
        idf = "key" if kind == "key" else "team_id"
        ident = (q.get(idf) or [None])[0]
        store = STATE["litellm_keys" if kind == "key" else "litellm_teams"]
        with LOCK:
            row = store.get(ident)
        if row is None:
            return self.send(404, {"detail": {"error": "not found, passed %s=%s" % (idf, ident)}})
        if kind == "key":
            return self.send(200, {"key": ident, "info": row})
        self.send(200, {"team_id": ident, "team_info": row})

    # --- webhook ------------------------------------------------------------------------
    def wh_post(self, m, body, q):
        if not isinstance(body, dict) or body.get("type") != "credence.decision":
            return self.bad("not a credence decision event")
        with LOCK:
            STATE["webhook_events"][self.headers.get("Idempotency-Key")] = body
        self.send(202, {"accepted": True})

    def wh_status(self, m, body, q):
        key = (q.get("idempotency_key") or [None])[0]
        with LOCK:
            ev = STATE["webhook_events"].get(key)
        if not ev:
            return self.send(404, {"error": {"message": "unknown event"}})
        self.send(200, {"decision_id": ev["decision_id"], "applied": True})

    def auth_webhook_get(self):
        return True

    # --- usage reports (fetch) --------------------------------------------------------------
    def oa_usage(self, m, body, q):
        kind = m.group(1)
        start = int((q.get("start_time") or ["0"])[0])
        if kind == "embeddings":
            return self.send(200, {"object": "page", "data": [], "has_more": False,
                                   "next_page": None})
        page = (q.get("page") or [None])[0]
        day = start if page is None else start + 86400
        res = {"object": "organization.usage.completions.result", "input_tokens": 1000,
               "output_tokens": 100, "num_model_requests": 4, "project_id": "proj_sales02",
               "api_key_id": "key_Sales9Xa", "model": "gpt-4o"}
        if kind == "costs":
            res = {"object": "organization.costs.result",
                   "amount": {"value": 2.5, "currency": "usd"}, "line_item": "gpt-4o, input",
                   "project_id": "proj_sales02", "api_key_id": "key_Sales9Xa"}
        more = kind == "completions" and page is None
        self.send(200, {"object": "page", "data": [{"object": "bucket", "start_time": day,
                                                    "end_time": day + 86400, "results": [res]}],
                        "has_more": more, "next_page": "page_2" if more else None})

    def an_usage(self, m, body, q):
        start = (q.get("starting_at") or [""])[0]
        if m.group(1) == "cost_report":
            res = {"currency": "USD", "amount": "250", "workspace_id": "wrkspc_01Research",
                   "description": "Claude Opus 4.1 Usage - Input Tokens", "cost_type": "tokens",
                   "model": "claude-opus-4-1"}
        else:
            res = {"uncached_input_tokens": 100, "cache_read_input_tokens": 0,
                   "cache_creation": {"ephemeral_1h_input_tokens": 0,
                                      "ephemeral_5m_input_tokens": 0},
                   "output_tokens": 10, "api_key_id": "apikey_01Resrch",
                   "workspace_id": "wrkspc_01Research", "model": "claude-opus-4-1"}
        self.send(200, {"data": [{"starting_at": start, "ending_at": start, "results": [res]}],
                        "has_more": False, "next_page": None})

    def ll_logs(self, m, body, q):
        start = (q.get("start_date") or [""])[0]
        self.send(200, [{"request_id": "r1", "api_key": "sk-litellm-triage-01", "model": "gpt-4o-mini",
                         "spend": 0.5, "total_tokens": 700, "startTime": start + "T08:00:00Z"}])


ROUTES = [
    (r"(?:GET|POST) /v1/organization/projects/([^/]+)/spend_limit", "openai",
     Handler.oa_spend_limit),
    (r"(?:GET|POST) /v1/organization/projects/([^/]+)/model_permissions", "openai",
     Handler.oa_model_permissions),
    (r"(?:GET|DELETE) /v1/organization/projects/([^/]+)/api_keys/([^/]+)", "openai",
     Handler.oa_api_key),
    (r"(?:GET|POST) /v1/organizations/api_keys/([^/]+)", "anthropic", Handler.an_api_key),
    (r"(?:GET|POST) /v1/organizations/spend_limits", "anthropic", Handler.an_spend_limits),
    (r"POST /(key|team)/update", "litellm", Handler.ll_update),
    (r"POST /(key|team)/(block|unblock)", "litellm", Handler.ll_block),
    (r"GET /(key|team)/info", "litellm", Handler.ll_info),
    (r"GET /v1/organization/usage/(completions|embeddings)", "openai", Handler.oa_usage),
    (r"GET /v1/organization/(costs)", "openai", Handler.oa_usage),
    (r"GET /v1/organizations/(usage_report/messages|cost_report)", "anthropic", Handler.an_usage),
    (r"GET /spend/logs", "litellm", Handler.ll_logs),
    (r"POST /hook", "webhook", Handler.wh_post),
    (r"GET /hook/status", "webhook-read", Handler.wh_status),
]

_auth_ok = Handler.auth_ok


def auth_ok(self, kind):
    if kind == "webhook-read":
        return True
    return _auth_ok(self, kind)


Handler.auth_ok = auth_ok


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--openai-key", default="sk-admin-openai-test")
    p.add_argument("--anthropic-key", default="sk-ant-admin-test")
    p.add_argument("--litellm-key", default="sk-litellm-master-test")
    p.add_argument("--webhook-secret", default="whsec-test")
    p.add_argument("--max-seconds", type=float, default=600)
    ARGS = p.parse_args()
    reset_state()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    # Stops by itself: a test that forgets it cannot leave it running.
    threading.Timer(ARGS.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
