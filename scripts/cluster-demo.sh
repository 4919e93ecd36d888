#!/usr/bin/env bash
# scripts/cluster-demo.sh N: starts N clocksyncd daemons on 127.0.0.1 with virtual clocks that
# drift over ±200 ppm, waits for one master and converged offsets, SIGKILLs the master and shows
# the failover with clocksyncctl. Every daemon is stopped on exit (also on Ctrl-C).
#   BUILD_DIR   where clocksyncd/clocksyncctl were built (default: build/ci, else build)
#   BASE_PORT   first cluster port (default 5525); status ports are BASE_PORT+1000...
#   SEED        root seed of the daemons' algorithm streams (default 1): who wins depends on it
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 2 || n > 50)); then
  echo "usage: $0 N   (2 <= N <= 50)" >&2
  exit 2
fi
build=${BUILD_DIR:-}
if [[ -z "$build" ]]; then
  for d in build/ci build; do [[ -x "$d/daemon/clocksyncd" ]] && build=$d && break; done
fi
if [[ -z "$build" || ! -x "$build/daemon/clocksyncd" ]]; then
  echo "clocksyncd not built: cmake --preset ci && cmake --build --preset ci --target clocksyncd clocksyncctl" >&2
  exit 2
fi
daemon=$build/daemon/clocksyncd
ctl=$build/daemon/clocksyncctl
base=${BASE_PORT:-5525}
seed=${SEED:-1}

work=$(mktemp -d "${TMPDIR:-/tmp}/clocksim-cluster.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  echo "logs kept in $work"
}
trap cleanup EXIT

# A key per pair of nodes (mode 0600): every packet carries an HMAC-SHA256 made with the key of
# its sender and receiver, so no node can speak for another.
"$ctl" keygen --ids "$(seq -s, 1 "$n")" --out-dir "$work" >/dev/null

election=none
if "$daemon" --list-algorithms | grep '^election tsp' >/dev/null; then election=tsp; fi
sync_args=(--sync berkeley --set sync.period=1s --set step_threshold=250us --set quantum=0 --set resolution=0
           --set probe_timeout=50ms --set measure_cap=500ms)
election_args=()
if [[ $election == tsp ]]; then
  election_args=(--election tsp --set "election.timeout=uniform(1500ms, 3s)" --set candidate_window=500ms
                 --set election.ack_timeout=50ms --set ack_sends=3 --set second_answer_wait=100ms
                 --set refuse_window=2s)
else
  echo "note: election 'tsp' is not registered; running Berkeley with a static master (no failover)" >&2
  election_args=(--election none)
fi

# Started as root the daemon insists on dropping to an unprivileged user.
as_user=()
if [[ $(id -u) == 0 ]]; then as_user=(--user nobody); fi

status_peers=()
for ((i = 1; i <= n; i++)); do
  peers=()
  for ((j = 1; j <= n; j++)); do ((j != i)) && peers+=(--peer "$j@127.0.0.1:$((base + j - 1))"); done
  drift=$(( n > 1 ? -200 + 400 * (i - 1) / (n - 1) : 0 ))
  offset=$(( n > 1 ? -20 + 40 * ((i * 3) % n) / (n - 1) : 0 ))ms
  "$daemon" --id "$i" --listen "127.0.0.1:$((base + i - 1))" --status "127.0.0.1:$((base + 1000 + i - 1))" \
    --control "$work/n$i.sock" "${as_user[@]}" \
    "${peers[@]}" --key-file "$work/node$i.keys" --drift-ppm "$drift" --offset "$offset" --seed "$seed" \
    "${sync_args[@]}" "${election_args[@]}" 2>"$work/n$i.log" &
  pids+=($!)
  status_peers+=(--peer "127.0.0.1:$((base + 1000 + i - 1))")
  echo "started n$i (pid $!, drift $drift ppm, offset $offset)"
done

# The master's id when exactly one node is master and every live node follows it.
agreed_master() {
  { "$ctl" status "${status_peers[@]}" --json --timeout-ms 300 2>/dev/null || true; } | python3 -c '
import json, sys
nodes = [json.loads(l) for l in sys.stdin if l.strip()]
live = [n for n in nodes if "id" in n]
masters = {n["id"] for n in live if n["role"] == "master"}
believed = {n["believed_master"] for n in live}
if len(masters) == 1 and believed == masters: print(masters.pop())
'
}
wait_master() {  # $1: seconds; prints the master id
  local deadline=$((SECONDS + $1)) m
  while ((SECONDS < deadline)); do
    m=$(agreed_master)
    if [[ -n "$m" ]]; then echo "$m"; return 0; fi
    sleep 0.2
  done
  return 1
}

echo; echo "waiting for a master..."
master=$(wait_master 30) || { echo "no master within 30 s" >&2; exit 1; }
sleep 5  # a few sync rounds
echo "master is n$master; after a few rounds:"
"$ctl" status "${status_peers[@]}" || true

if [[ $election != tsp ]]; then exit 0; fi
echo; echo "SIGKILL n$master (no goodbye)..."
kill -KILL "${pids[$((master - 1))]}"
wait "${pids[$((master - 1))]}" 2>/dev/null || true
start=$(date +%s.%N)
new=""
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
  new=$(agreed_master)
  [[ -n "$new" && "$new" != "$master" ]] && break
  new=""
  sleep 0.1
done
[[ -n "$new" ]] || { echo "no new master within 30 s" >&2; exit 1; }
end=$(date +%s.%N)
printf 'new master n%s elected %.2f s after the kill\n' "$new" "$(echo "$end - $start" | bc 2>/dev/null || python3 -c "print($end - $start)")"
sleep 4
"$ctl" status "${status_peers[@]}" || true
