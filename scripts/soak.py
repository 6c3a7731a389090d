"""The driver behind scripts/bench-soak (run it through that script, which builds the provider and
starts the emulator): a counting proxy in front of the emulator, the configuration, then per
parallelism a fresh emulator, apply, a no-op plan, and the cloud checked through the AWS API.

    soak.py TERRAFORM TMPDIR N EMULATOR_PORT PARALLELISM...
"""
import http.client
import http.server
import os
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter

terraform, tmp, count, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
parallelisms = [int(p) for p in sys.argv[5:]]
upstream = f"http://127.0.0.1:{upstream_port}"
ROLE = "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"

for _ in range(300):
    try:
        urllib.request.urlopen(upstream + "/_ministack/health", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("bench-soak: the emulator did not start")

calls = Counter()
calls_lock = threading.Lock()


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forwards every request to the emulator and counts it by operation."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # STS names its operation in the form body; AWS Backup by method and path.
        first = self.path.lstrip("/").split("/")[0].split("?")[0]
        key = f"{self.command} /{first}" if first else f"{self.command} / (STS)"
        with calls_lock:
            calls[key] += 1
        conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = forward


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256


proxy = Server(("127.0.0.1", 0), Proxy)
threading.Thread(target=proxy.serve_forever, daemon=True).start()
endpoint = f"http://127.0.0.1:{proxy.server_address[1]}"


def configuration():
    out = [f'''terraform {{
  required_providers {{
    backup = {{ source = "appofapps/backup" }}
  }}
}}

provider "backup" {{
  aws = {{
    region    = "eu-west-1"
    endpoints = {{ backup = "{endpoint}", sts = "{endpoint}" }}
  }}
}}

resource "backup_app" "root" {{
  name = "soak-root"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
    tags  = {{ owner = "platform" }}
  }}
  guardrails = {{ min_retention_days = 30 }}
  aws = {{ vault_name = "soak-root", iam_role_arn = "{ROLE}" }}
}}
''']
    for i in range(count):
        # Even children join the root's plan; odd ones keep their dailies longer, so they derive.
        policy = "" if i % 2 == 0 else "\n  policy = { rules = { daily = { retention_days = 90 } } }"
        out.append(f'''
resource "backup_child" "c{i}" {{
  name   = "soak-{i}"
  parent = backup_app.root.policy_document{policy}
  aws = {{
    resources    = ["arn:aws:dynamodb:eu-west-1:111111111111:table/t{i}"]
    iam_role_arn = "{ROLE}"
  }}
}}
''')
    return "".join(out)


def terraform_run(directory, rss_file, *args):
    env = dict(os.environ, SOAK_RSS_FILE=rss_file)
    start = time.perf_counter()
    p = subprocess.run([terraform, *args], cwd=directory, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return time.perf_counter() - start, p


def peak_rss_mib(rss_file):
    """The largest maximum resident set size of the provider processes of one Terraform command."""
    try:
        values = [int(line.split("=")[1]) for line in open(rss_file) if line.startswith("rss_kib=")]
    except FileNotFoundError:
        return float("nan")
    return max(values) / 1024 if values else float("nan")


def cloud_objects():
    """Plans and selections as the AWS API lists them (botocore, straight to the emulator)."""
    import botocore.session
    client = botocore.session.get_session().create_client(
        "backup", region_name="eu-west-1", endpoint_url=upstream,
        aws_access_key_id="111111111111", aws_secret_access_key="soak")
    plans = []
    for page in client.get_paginator("list_backup_plans").paginate():
        plans += page["BackupPlansList"]
    selections = []
    for plan in plans:
        pages = client.get_paginator("list_backup_selections").paginate(BackupPlanId=plan["BackupPlanId"])
        for page in pages:
            selections += [(plan["BackupPlanName"], s["SelectionName"]) for s in page["BackupSelectionsList"]]
    duplicate_plans = sum(n - 1 for n in Counter(p["BackupPlanName"] for p in plans).values())
    duplicate_selections = sum(n - 1 for n in Counter(selections).values())
    return len(plans), duplicate_plans, len(selections), duplicate_selections


rows = []
for parallelism in parallelisms:
    urllib.request.urlopen(urllib.request.Request(upstream + "/_ministack/reset", method="POST"))
    directory = f"{tmp}/p{parallelism}"
    os.makedirs(directory)
    with open(f"{directory}/main.tf", "w") as f:
        f.write(configuration())
    _, p = terraform_run(directory, f"{directory}/rss-init", "init", "-input=false", "-no-color")
    if p.returncode:
        sys.exit(f"bench-soak: init failed:\n{p.stdout}")
    calls.clear()
    apply_s, p = terraform_run(directory, f"{directory}/rss-apply", "apply", "-auto-approve", "-input=false",
                               "-no-color", f"-parallelism={parallelism}")
    apply_errors = p.stdout.count("Error:")
    if p.returncode:
        print(p.stdout[-4000:], file=sys.stderr)
    apply_calls = sum(calls.values())
    calls.clear()
    plan_s, p = terraform_run(directory, f"{directory}/rss-plan", "plan", "-detailed-exitcode", "-input=false",
                              "-no-color", f"-parallelism={parallelism}")
    plan_calls = sum(calls.values())
    plan_breakdown = calls.most_common(6)
    plan_clean = p.returncode == 0
    if not plan_clean:
        print(p.stdout[-4000:], file=sys.stderr)
    plans, dup_plans, selections, dup_selections = cloud_objects()
    rows.append(dict(parallelism=parallelism, apply_s=apply_s, apply_errors=apply_errors,
                     apply_calls=apply_calls / count, plan_s=plan_s, plan_clean=plan_clean,
                     plan_calls=plan_calls / count, plan_breakdown=plan_breakdown,
                     plans=plans, dup_plans=dup_plans, selections=selections, dup_selections=dup_selections,
                     rss_apply=peak_rss_mib(f"{directory}/rss-apply"),
                     rss_plan=peak_rss_mib(f"{directory}/rss-plan")))

print(f"Terraform 1.15.5, 1 root + {count} backup_child ({count - count // 2} joined, {count // 2} derived), "
      "AWS emulator on loopback")
print(f"{'parallelism':>11} {'apply':>9} {'errors':>6} {'calls/child':>11} {'no-op plan':>10} {'clean':>5} "
      f"{'calls/child':>11} {'plans':>5} {'dup':>3} {'selections':>10} {'dup':>3}   peak RSS apply / plan")
for r in rows:
    print(f"{r['parallelism']:>11} {r['apply_s']:>7.1f} s {r['apply_errors']:>6} {r['apply_calls']:>11.2f} "
          f"{r['plan_s']:>8.1f} s {'yes' if r['plan_clean'] else 'NO':>5} {r['plan_calls']:>11.2f} "
          f"{r['plans']:>5} {r['dup_plans']:>3} {r['selections']:>10} {r['dup_selections']:>3}   "
          f"{r['rss_apply']:.1f} / {r['rss_plan']:.1f} MiB")
for r in rows:
    print(f"no-op plan calls at parallelism {r['parallelism']}: "
          + ", ".join(f"{k} x{v}" for k, v in r["plan_breakdown"]))
failed = [r for r in rows if r["apply_errors"] or not r["plan_clean"] or r["dup_plans"] or r["dup_selections"]]
sys.exit(1 if failed else 0)
