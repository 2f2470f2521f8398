#!/usr/bin/env bash
# Unattended test of schema versioning and a rolling upgrade on a three-node cluster; exits 0 when every step passes.
# Run with --help for the options.
set -euo pipefail
# shellcheck source=examples/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: examples/run-schema-migration-test.sh [--ci] [--keep-files] [--no-build] [--help]

Tests schema versioning and a rolling upgrade, unattended, on a three-node cluster (NATS on ports
4221-4223, settings in examples/node-{1,2,3}.yml, logs in /tmp/harmonylite-node{1,2,3}.log):
  1. starts three nodes whose Books tables are identical;
  2. checks that all nodes compute the same schema hash (--schema-status);
  3. adds an email column on node 1 only (sqlite3, node running);
  4. checks that all nodes published to the schema registry and the mismatch is visible
     (--schema-status-cluster exits with 2, "Inconsistent");
  5. writes a row on node 1 and checks that nodes 2 and 3 pause (row absent, replication paused),
     then applies the DDL to node 2 live (no restart) and to node 3 stopped-and-restarted;
  6. checks that all hashes converge (--schema-status-cluster exits with 0), the queued row arrived
     everywhere, and no node is paused any more.
Exits 0 when every step passed, 1 otherwise; stops every process it started.

"Paused" is read from the gauge harmonylite_schema_mismatch_paused at /actuator/prometheus, else from
the state at /actuator/harmonylite, else from the node's log ("schema mismatch detected").

Options:
  --ci          the fast unattended mode the test suite runs (same steps; this script never waits for input)
  --keep-files  keep the databases and NATS data on exit (logs are always kept)
  --no-build    fail instead of building the jar when it is missing
  --help        this help
EOF
}

parse_demo_options "$@"

NODES=("${EXAMPLE_NODES[@]}")
ROW_ID=200

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stop_example_cluster
	if ((status == 0)); then
		say "Schema migration test PASSED"
	else
		say "Schema migration test FAILED (exit code $status)"
	fi
	exit "$status"
}
on_exit cleanup

step() {
	printf '\n==> Step %s\n' "$*"
}

pass() {
	printf '    PASS: %s\n' "$*"
}

# status_command N FLAG: runs ./harmonylite --config examples/node-N.yml FLAG; sets STATUS_OUTPUT and STATUS_CODE.
status_command() {
	STATUS_CODE=0
	STATUS_OUTPUT=$("$ROOT/harmonylite" --config "$EXAMPLES_DIR/node-$1.yml" "$2" 2>&1) || STATUS_CODE=$?
}

# cluster_status_is CODE: true when --schema-status-cluster (asked through node 1) exits with CODE and sees 3 nodes.
cluster_status_is() {
	status_command 1 --schema-status-cluster
	[[ $STATUS_CODE == "$1" && $STATUS_OUTPUT == *"Cluster Schema Status (3 nodes)"* ]]
}

# read_pause N: sets PAUSED (1 or 0) and PAUSE_SOURCE from the best signal node N offers.
read_pause() {
	local n=$1 body value
	body=$(curl -s -m 5 "http://localhost:808$n/actuator/prometheus" 2>/dev/null || true)
	value=$(grep '^harmonylite_schema_mismatch_paused' <<<"$body" | awk '{print $NF}' | head -n 1 || true)
	if [[ -n $value ]]; then
		PAUSE_SOURCE="gauge harmonylite_schema_mismatch_paused = $value"
		[[ $value == 1* ]] && PAUSED=1 || PAUSED=0
		return 0
	fi
	body=$(curl -s -m 5 "http://localhost:808$n/actuator/harmonylite" 2>/dev/null || true)
	value=$(grep -o '"state" *: *"[A-Z_]*"' <<<"$body" | head -n 1 | grep -o '[A-Z_]*"$' | tr -d '"' || true)
	if [[ -n $value ]]; then
		PAUSE_SOURCE="/actuator/harmonylite state $value"
		[[ $value == PAUSED_SCHEMA_MISMATCH ]] && PAUSED=1 || PAUSED=0
		return 0
	fi
	# Neither endpoint reports it: the log's last start, pause and resume lines decide.
	local log=/tmp/harmonylite-node$n.log started_line paused_line resumed_line
	started_line=$(grep -n '\[1/[0-9]*\] opening database' "$log" | tail -n 1 | cut -d: -f1 || true)
	paused_line=$(grep -n 'schema mismatch detected' "$log" | tail -n 1 | cut -d: -f1 || true)
	resumed_line=$(grep -n 'replication of this shard resumed' "$log" | tail -n 1 | cut -d: -f1 || true)
	PAUSE_SOURCE="log: last 'schema mismatch detected' at line ${paused_line:-none}, last resume at line"
	PAUSE_SOURCE+=" ${resumed_line:-none}, last start at line ${started_line:-none}"
	if [[ -n $paused_line ]] && ((paused_line > ${resumed_line:-0} && paused_line > ${started_line:-0})); then
		PAUSED=1
	else
		PAUSED=0
	fi
}

node_paused_is() {
	read_pause "$1"
	[[ $PAUSED == "$2" ]]
}

row_email() {
	sql "/tmp/harmonylite-$1.db" "SELECT email FROM Books WHERE id = $ROW_ID;" 2>/dev/null || true
}

row_arrived() {
	[[ $(row_email "$1") == snow@example.com ]]
}

say "Checking the tools"
ensure_tools nats-server sqlite3 curl
ensure_jar "$no_build"
require_free_ports "${EXAMPLE_PORTS[@]}"

step "1: a three-node cluster with identical Books tables"
start_example_cluster
pass "nodes 1, 2 and 3 are running"

step "2: every node computes the same schema hash (--schema-status)"
declare -A HASHES=()
for n in "${NODES[@]}"; do
	status_command "$n" --schema-status
	[[ $STATUS_CODE == 0 ]] || die "--schema-status of node $n exited with $STATUS_CODE: $STATUS_OUTPUT"
	HASHES[$n]=$(grep -o 'Schema Hash: [0-9a-f]*' <<<"$STATUS_OUTPUT" | awk '{print $3}')
	[[ -n ${HASHES[$n]} ]] || die "no schema hash in the output of node $n: $STATUS_OUTPUT"
	info "node $n: ${HASHES[$n]}..."
done
[[ ${HASHES[1]} == "${HASHES[2]}" && ${HASHES[2]} == "${HASHES[3]}" ]] || die "the nodes' schema hashes differ"
printf '%s\n' "$STATUS_OUTPUT" | sed 's/^/    | /'
pass "all three nodes have schema ${HASHES[1]}..."

step "3: add an email column on node 1 only"
info 'sqlite3 /tmp/harmonylite-1.db "ALTER TABLE Books ADD COLUMN email TEXT;"'
sql /tmp/harmonylite-1.db "ALTER TABLE Books ADD COLUMN email TEXT;"
pass "node 1's Books table has the email column; nodes 2 and 3 do not"

step "4: all nodes are in the registry and the mismatch is visible (--schema-status-cluster exits with 2)"
wait_until 90 "--schema-status-cluster to report 3 nodes, inconsistent (exit code 2)" cluster_status_is 2
printf '%s\n' "$STATUS_OUTPUT" | sed 's/^/    | /'
[[ $STATUS_OUTPUT == *"Status: Inconsistent"* ]] || die "expected 'Status: Inconsistent'"
[[ $STATUS_OUTPUT == *"${HASHES[1]}...: current on nodes 2, 3; previous on node 1"* ]] ||
	die "expected the old schema ${HASHES[1]} to be current on nodes 2, 3 and previous on node 1"
pass "3 nodes registered; node 1 has a new schema, nodes 2 and 3 the old one; exit code 2"

step "5: a write on node 1 pauses nodes 2 and 3; the DDL goes to node 2 live and to node 3 with a restart"
info "inserting row $ROW_ID (with an email) on node 1"
sql /tmp/harmonylite-1.db "INSERT INTO Books (id, title, author, publication_year, email) VALUES ($ROW_ID, 'Snow Crash', 'Neal Stephenson', 1992, 'snow@example.com');"
for n in 2 3; do
	wait_until 60 "node $n to pause replication" node_paused_is "$n" 1
	info "node $n paused ($PAUSE_SOURCE)"
	[[ -z $(row_email "$n") ]] || die "row $ROW_ID reached node $n although its schema differs"
	info "node $n does not have row $ROW_ID"
done
pass "nodes 2 and 3 paused; the row waits in the stream"

info 'node 2, running: sqlite3 /tmp/harmonylite-2.db "ALTER TABLE Books ADD COLUMN email TEXT;"'
sql /tmp/harmonylite-2.db "ALTER TABLE Books ADD COLUMN email TEXT;"
wait_until 60 "row $ROW_ID to reach node 2" row_arrived 2
wait_until 30 "node 2 to resume" node_paused_is 2 0
info "node 2 resumed without a restart and has row $ROW_ID ($PAUSE_SOURCE)"

info "node 3: stopping it"
stop_process node3
info 'node 3, stopped: sqlite3 /tmp/harmonylite-3.db "ALTER TABLE Books ADD COLUMN email TEXT;"'
sql /tmp/harmonylite-3.db "ALTER TABLE Books ADD COLUMN email TEXT;"
info "node 3: starting it again"
start_example_node 3
wait_example_node 3
wait_until 60 "row $ROW_ID to reach node 3" row_arrived 3
wait_until 30 "node 3 to resume" node_paused_is 3 0
info "node 3 has row $ROW_ID after its restart ($PAUSE_SOURCE)"
pass "node 2 upgraded live, node 3 upgraded with a restart"

step "6: the hashes converge, the queued row is everywhere, nobody is paused"
wait_until 90 "--schema-status-cluster to report 3 nodes, consistent (exit code 0)" cluster_status_is 0
printf '%s\n' "$STATUS_OUTPUT" | sed 's/^/    | /'
[[ $STATUS_OUTPUT == *"Status: Consistent"* ]] || die "expected 'Status: Consistent'"
for n in "${NODES[@]}"; do
	row_arrived "$n" || die "node $n does not have row $ROW_ID"
	read_pause "$n"
	[[ $PAUSED == 0 ]] || die "node $n is still paused ($PAUSE_SOURCE)"
	info "node $n: row $ROW_ID present, not paused ($PAUSE_SOURCE)"
done
pass "one schema on all 3 nodes (exit code 0), row $ROW_ID on every node, no node paused"
exit 0
