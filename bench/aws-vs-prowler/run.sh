#!/usr/bin/env bash
# posture vs Prowler on the same moto estate: wall time and peak RSS.
#
#   bench/aws-vs-prowler/run.sh [SCALE]
#
# Installs Prowler (pinned, PyPI) into bench/.venv-prowler when missing and
# moto into .venv-moto (scripts/setup-moto), starts moto_server on a free
# 127.0.0.1 port, seeds it (seed.py, SCALE units; the default 18 gives about
# 1,080 resources), then scans it with Prowler and with `posture scan aws`,
# once directly and once through latency_proxy.py (+DELAY_MS per call, a
# stand-in for the round trip to the real cloud). Each scan runs under
# /usr/bin/time -v, RUNS times each. Prints a table of wall seconds (median
# and range) and peak RSS per tool and latency, the Prowler/posture ratios of
# the medians, and what each scan produced. Repeating matters: moto shares
# the two cores with both tools, and one scan's wall time varies by half.
#
# Environment:
#   POSTURE_BIN   posture binary (default target/release/posture)
#   PROWLER_VENV  a virtualenv with Prowler to reuse (default bench/.venv-prowler,
#                 installed with Prowler $PROWLER_VERSION when missing)
#   REGIONS       regions seeded and scanned (default us-east-1,eu-west-1)
#   DELAY_MS      latency the proxy adds to every call (default 50)
#   LATENCIES     which passes to run: "0 50" = direct, then through the proxy
#                 (default "0 $DELAY_MS"; "0" alone skips the proxy pass)
#   RUNS          scans per tool and latency, alternating the tools (default 3);
#                 the table gives each tool's median, the ratios compare medians
#   RETRIES       retries per failed call, for both tools (default 0: see below)
#   POSTURE_ARGS  extra flags for posture
#   PROWLER_ARGS  extra flags for Prowler
#   OUT_DIR       where reports, logs and results.tsv go (default: a new
#                 directory under /tmp, printed at the end)
#
# Only 127.0.0.1 is contacted: both tools get AWS_ENDPOINT_URL, test
# credentials, no shared config files and no instance metadata; the few
# Prowler checks that fetch from the internet themselves are excluded.
#
# Retries: moto answers the APIs it lacks with HTTP 500, which both tools
# retry with exponential backoff (Prowler: 3 retries by default; posture: 8
# attempts). On moto such a failure is permanent and nothing throttles, so
# retrying only adds backoff sleeps (3/4 of a default Prowler run at scale
# 1). Both tools therefore get the same RETRIES, 0 unless set: Prowler
# --aws-retries-max-attempts RETRIES, posture --max-attempts RETRIES+1.
set -euo pipefail

PROWLER_VERSION=5.46.0

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
scale=${1:-${SCALE:-18}}
regions=${REGIONS:-us-east-1,eu-west-1}
delay=${DELAY_MS:-50}
latencies=${LATENCIES:-0 $delay}
posture=${POSTURE_BIN:-$root/target/release/posture}
prowler_venv=${PROWLER_VENV:-$root/bench/.venv-prowler}
retries=${RETRIES:-0}
runs=${RUNS:-3}
posture_args="--max-attempts $((retries + 1)) ${POSTURE_ARGS:-}"
prowler_args="--aws-retries-max-attempts $retries ${PROWLER_ARGS:-}"
out=${OUT_DIR:-$(mktemp -d /tmp/aws-vs-prowler.XXXXXX)}
mkdir -p "$out"

# Prowler checks that download from the internet (function code from S3
# URLs, AWS's published IP ranges, repository URLs) or need a Shodan key:
# neither tool may leave 127.0.0.1.
prowler_excluded=(awslambda_function_no_secrets_in_code route53_dangling_ip_subdomain_takeover
                  codepipeline_project_repo_private ec2_elastic_ip_shodan)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

case $runs in ''|*[!0-9]*|0) die "RUNS must be a positive number, not '$runs'";; esac
[ -x "$posture" ] || die "no posture binary at $posture (cargo build --release -p posture, or set POSTURE_BIN)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"

# --- Prowler ---------------------------------------------------------------
prowler_installed_version() {
  "$prowler_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("prowler"))' 2>/dev/null || true
}
if [ ! -x "$prowler_venv/bin/prowler" ] || [ -z "$(prowler_installed_version)" ]; then
  [ -z "${PROWLER_VENV:-}" ] || die "PROWLER_VENV=$PROWLER_VENV has no Prowler"
  log "installing Prowler $PROWLER_VERSION into $prowler_venv (a few minutes)"
  python3 -m venv "$prowler_venv"
  echo '*' > "$prowler_venv/.gitignore"
  "$prowler_venv/bin/pip" install --quiet --disable-pip-version-check "prowler==$PROWLER_VERSION"
fi
prowler_version=$(prowler_installed_version)
[ "$prowler_version" = "$PROWLER_VERSION" ] ||
  log "note: $prowler_venv has Prowler $prowler_version, not the pinned $PROWLER_VERSION"

# --- moto ------------------------------------------------------------------
bash "$root/scripts/setup-moto"
py=$root/.venv-moto/bin/python
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  local port=$1 i
  for i in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$port"
}

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

moto_port=$(free_port)
"$root/.venv-moto/bin/moto_server" -H 127.0.0.1 -p "$moto_port" > "$out/moto.log" 2>&1 &
pids+=($!)
wait_port "$moto_port"
moto=http://127.0.0.1:$moto_port
log "moto on $moto"

# Both tools: test credentials, no config files, no instance metadata, no
# proxy from the environment.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=${regions%%,*} AWS_REGION=${regions%%,*}
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy

log "seeding scale $scale in $regions"
"$py" "$here/seed.py" --endpoint "$moto" --scale "$scale" --regions "$regions" | tee "$out/seed.txt"
resources=$(awk '$1 == "total" {print $2}' "$out/seed.txt")
[ "${resources:-0}" -ge 1000 ] || log "note: $resources resources seeded (the benchmark's estate is >= 1,000: raise SCALE)"

# --- measuring -------------------------------------------------------------
# measure NAME CMD...: runs CMD under /usr/bin/time -v, stdout/stderr to files;
# sets rc, wall (seconds) and rss (MiB).
measure() {
  local name=$1; shift
  rc=0
  /usr/bin/time -v -o "$out/$name.time" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr" || rc=$?
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$out/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$out/$name.time")
}

prowler_cmd() { # LABEL: sets cmd, the Prowler command line
  # shellcheck disable=SC2206
  cmd=("$prowler_venv/bin/prowler" aws -f ${regions//,/ }
       -M json-ocsf -o "$out/prowler-$1" -F prowler
       --excluded-check "${prowler_excluded[@]}"
       --no-banner --no-color --ignore-exit-code-3
       --log-level ERROR --log-file "$out/prowler-$1.log" $prowler_args)
}

posture_cmd() { # LABEL ENDPOINT: sets cmd, the posture command line
  # shellcheck disable=SC2206
  cmd=("$posture" scan aws --endpoint-url "$2" --regions "$regions"
       --format json --output "$out/posture-$1.json" $posture_args)
}

run_prowler() { # LABEL ENDPOINT
  local label=$1 endpoint=$2
  rm -rf "$out/prowler-$label"
  prowler_cmd "$label"
  AWS_ENDPOINT_URL=$endpoint measure "prowler-$label" "${cmd[@]}"
  [ "$rc" = 0 ] || die "Prowler failed ($rc): see $out/prowler-$label.stderr"
  summary=$("$py" - "$out/prowler-$label/prowler.ocsf.json" "$out/prowler-$label.log" <<'EOF'
import collections, json, sys
findings = json.load(open(sys.argv[1]))
status = collections.Counter(f.get("status_code") for f in findings)
resources = {r.get("uid") for f in findings for r in f.get("resources", [])}
checks = {f["metadata"]["event_code"] for f in findings}
errors = sum(1 for line in open(sys.argv[2], errors="replace") if '"level": "ERROR"' in line)
print(f"{len(findings)} findings ({', '.join(f'{k} {v}' for k, v in sorted(status.items()))}) "
      f"from {len(checks)} checks on {len(resources)} resources; {errors} errors logged")
EOF
)
  case $summary in 0\ findings*) die "Prowler produced no findings: see $out/prowler-$label.log";; esac
}

run_posture() { # LABEL ENDPOINT
  local label=$1 endpoint=$2
  posture_cmd "$label" "$endpoint"
  AWS_ENDPOINT_URL=$endpoint measure "posture-$label" "${cmd[@]}"
  [ "$rc" = 0 ] || die "posture failed ($rc): see $out/posture-$label.stderr"
  summary=$("$py" - "$out/posture-$label.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
s = report["summary"]
ev = s["evaluations"]
names = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "notApplicable": "N/A", "manual": "MANUAL"}
total = sum(ev.values())
errors = len(report["inventory"].get("collectionErrors", []))
controls = sum(s["controls"].values())
print(f"{total} evaluations ({', '.join(f'{names.get(k, k)} {v}' for k, v in ev.items() if v)}) "
      f"from {controls} controls on {s['resources']} resources; {errors} collection errors")
EOF
)
  case $summary in 0\ evaluations*) die "posture evaluated nothing: see $out/posture-$label.stderr";; esac
}

# Warm-up, not measured: moto builds some of its state lazily on the first
# calls, and Prowler's first start reads its many modules from disk.
log "warm-up (not measured)"
posture_cmd warmup "$moto"
AWS_ENDPOINT_URL=$moto "${cmd[@]}" > /dev/null 2>&1 || true
"$prowler_venv/bin/prowler" aws --list-checks > /dev/null 2>&1 || true

results=$out/results.tsv
printf 'tool\tlatency_ms\trun\twall_s\tpeak_rss_mib\tresult\n' > "$results"
proxy_port=
for latency in $latencies; do
  if [ "$latency" = 0 ]; then
    endpoint=$moto
  else
    proxy_port=$(free_port)
    "$py" "$here/latency_proxy.py" --upstream "$moto" --listen-port "$proxy_port" --delay-ms "$latency" \
      > "$out/proxy-$latency.log" 2>&1 &
    pids+=($!)
    wait_port "$proxy_port"
    endpoint=http://127.0.0.1:$proxy_port
  fi
  for run in $(seq 1 "$runs"); do
    label=${latency}ms-$run
    log "Prowler, +$latency ms per call, run $run/$runs"
    run_prowler "$label" "$endpoint"
    printf 'prowler\t%s\t%s\t%s\t%s\t%s\n' "$latency" "$run" "$wall" "$rss" "$summary" >> "$results"
    log "  $wall s, $rss MiB: $summary"
    log "posture, +$latency ms per call, run $run/$runs"
    run_posture "$label" "$endpoint"
    printf 'posture\t%s\t%s\t%s\t%s\t%s\n' "$latency" "$run" "$wall" "$rss" "$summary" >> "$results"
    log "  $wall s, $rss MiB: $summary"
  done
done

# --- report ----------------------------------------------------------------
echo
echo "posture vs Prowler $prowler_version on moto: $resources seeded resources (scale $scale, $regions)"
prowler_cmd '$LATENCY'
echo "Prowler: AWS_ENDPOINT_URL=\$ENDPOINT ${cmd[*]}"
posture_cmd '$LATENCY' '$ENDPOINT'
echo "posture: AWS_ENDPOINT_URL=\$ENDPOINT ${cmd[*]}"
"$py" - "$results" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["tool"], r["latency_ms"]), []).append(r)
medians = {}
print(f"{'tool':<8} {'latency':>8} {'runs':>4} {'wall s (median)':>16} {'range':>13} {'peak RSS MiB':>13}  result")
for (tool, lat), rs in groups.items():
    walls = [float(r["wall_s"]) for r in rs]
    rsss = [float(r["peak_rss_mib"]) for r in rs]
    wall, rss = statistics.median(walls), statistics.median(rsss)
    medians[(tool, lat)] = (wall, rss)
    span = f"{min(walls):.2f}-{max(walls):.2f}"
    print(f"{tool:<8} {lat + ' ms':>8} {len(rs):>4} {wall:>16.2f} {span:>13} {rss:>13.1f}  {rs[-1]['result']}")
print()
for lat in dict.fromkeys(r["latency_ms"] for r in rows):
    p, q = medians.get(("prowler", lat)), medians.get(("posture", lat))
    if not (p and q):
        continue
    print(f"+{lat} ms per call: Prowler/posture wall {p[0] / max(q[0], 0.01):.1f}x, "
          f"peak RSS {p[1] / max(q[1], 0.1):.1f}x (medians)")
EOF
echo
echo "reports, logs and results.tsv: $out"
