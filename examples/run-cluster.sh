#!/usr/bin/env bash
# A three-node HarmonyLite cluster on this machine, each node replicating its own SQLite file with a Books table.
# Run with --help for the options.
set -euo pipefail
# shellcheck source=examples/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: examples/run-cluster.sh [--join-fourth] [--ci] [--keep-files] [--no-build] [--help]

Starts a three-node HarmonyLite cluster on this machine, as the original HarmonyLite demo did:
  - each node replicates its own SQLite file, /tmp/harmonylite-{1,2,3}.db, whose Books table is
    created and seeded with the sqlite3 CLI before the node starts;
  - each node runs its own nats-server; the three form one NATS cluster on ports 4221-4223;
  - settings: examples/node-{1,2,3}.yml (edit them to explore); logs: /tmp/harmonylite-node{1,2,3}.log;
  - Actuator of node N: http://localhost:808N/actuator (health, harmonylite, prometheus).
It checks that a row written with sqlite3 on node 1 reaches nodes 2 and 3, prints how to try it
yourself, and runs until Ctrl-C, then stops every process it started.

First run on a fresh Debian/Ubuntu machine with a JDK: installs nats-server, sqlite3 and curl with
apt-get when missing (sudo when not root), and builds harmonylite-node/target/harmonylite.jar when missing.

With --join-fourth, a fourth node joins the running cluster afterwards: node 1 takes a snapshot (POST
/actuator/harmonylitesnapshots), node 2 writes one more row, and node 4 starts on a database whose Books
table is empty (examples/node-4.yml, a client of the three servers, Actuator on 8084). It restores the
snapshot by itself, replays the streams from the snapshot's positions, and ends identical to node 1.

Options:
  --join-fourth a fourth node joins from a snapshot (see above)
  --ci          unattended: start, check replication, stop, and exit 0 on success
  --keep-files  keep the databases and NATS data on exit (logs are always kept)
  --no-build    fail instead of building the jar when it is missing
  --help        this help
EOF
}

join_fourth=false
demo_options=()
for option in "$@"; do
	if [[ $option == --join-fourth ]]; then
		join_fourth=true
	else
		demo_options+=("$option")
	fi
done
parse_demo_options "${demo_options[@]}"

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stop_example_cluster
	exit "$status"
}
on_exit cleanup

# Node 1 takes a snapshot, node 2 writes a row after it, node 4 starts empty and must end identical to node 1.
join_fourth_node() {
	say "Taking a snapshot on node 1: curl -X POST http://localhost:8081/actuator/harmonylitesnapshots"
	local taken
	taken=$(curl -s -f -m 60 -X POST http://localhost:8081/actuator/harmonylitesnapshots) ||
		die "node 1 did not take a snapshot; see /tmp/harmonylite-node1.log"
	snapshot_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$taken")
	[[ -n $snapshot_id ]] || die "no snapshot id in node 1's answer: $taken"
	info "snapshot $snapshot_id"

	say "Writing a row on node 2 after the snapshot (node 4 gets it from the stream)"
	sql /tmp/harmonylite-2.db "INSERT INTO Books (id, title, author, publication_year) VALUES (101, 'Neuromancer', 'William Gibson', 1984);"

	say "Starting node 4 on /tmp/harmonylite-4.db, whose Books table is empty (./harmonylite --config examples/node-4.yml)"
	remove_node_files /tmp/harmonylite-4.db
	sql /tmp/harmonylite-4.db "$(sqlite3 /tmp/harmonylite-1.db "SELECT sql FROM sqlite_schema WHERE name = 'Books';");"
	: >/tmp/harmonylite-node4.log
	EXAMPLE_NODES+=(4)
	start_example_node 4
	wait_example_node 4
	books_on_4_match() {
		[[ $(sql /tmp/harmonylite-4.db "SELECT * FROM Books ORDER BY id;") == "$(sql /tmp/harmonylite-1.db "SELECT * FROM Books ORDER BY id;")" ]] &&
			[[ $(sql /tmp/harmonylite-4.db "SELECT count(*) FROM Books WHERE id = 101;") == 1 ]]
	}
	wait_until 120 "node 4 to have node 1's rows, row 101 included" books_on_4_match
	grep -q "restored snapshot" /tmp/harmonylite-node4.log || die "node 4 did not restore a snapshot; see /tmp/harmonylite-node4.log"
	info "node 4 $(grep -o 'restored snapshot [^ ]* of node [0-9]* in [0-9]* ms' /tmp/harmonylite-node4.log | head -1)"
	info "node 4 has $(sql /tmp/harmonylite-4.db "SELECT count(*) FROM Books;") books, the same as node 1"
}

say "Checking the tools"
ensure_tools nats-server sqlite3 curl
ensure_jar "$no_build"
if [[ $join_fourth == true ]]; then
	EXAMPLE_PORTS+=(8084)
fi
require_free_ports "${EXAMPLE_PORTS[@]}"

say "Creating /tmp/harmonylite-{1,2,3}.db with the same Books rows (sqlite3 < examples/books.sql) and starting nodes 1, 2 and 3 (./harmonylite --config examples/node-N.yml)"
start_example_cluster

say "Checking replication: a row inserted with sqlite3 into node 1's file"
sql /tmp/harmonylite-1.db "INSERT INTO Books (id, title, author, publication_year) VALUES (100, 'Dune', 'Frank Herbert', 1965);"
row_on() {
	[[ $(sql "/tmp/harmonylite-$1.db" "SELECT title FROM Books WHERE id = 100;") == Dune ]]
}
for n in 2 3; do
	wait_until 60 "the row to reach node $n" row_on "$n"
	info "node $n has it: $(sql "/tmp/harmonylite-$n.db" "SELECT id, title, author FROM Books WHERE id = 100;")"
done

if [[ $join_fourth == true ]]; then
	join_fourth_node
fi

if [[ $ci == true ]]; then
	if [[ $join_fourth == true ]]; then
		say "Cluster demo OK: 3 nodes started, a row written on node 1 replicated to nodes 2 and 3, node 4 joined from snapshot $snapshot_id"
	else
		say "Cluster demo OK: 3 nodes started, a row written on node 1 replicated to nodes 2 and 3"
	fi
	exit 0
fi

cat <<'EOF'

==> The cluster is running. In another terminal, write to one node's file with sqlite3:

    sqlite3 /tmp/harmonylite-1.db "INSERT INTO Books (id, title, author, publication_year) VALUES (101, 'Neuromancer', 'William Gibson', 1984);"

    and read it on another node:

    sqlite3 /tmp/harmonylite-2.db "SELECT * FROM Books;"

    Updates and deletes replicate the same way, from any node (e.g. UPDATE Books SET publication_year = 1985
    WHERE id = 101 on node 3). Give new rows an id: two nodes choosing the same one at the same time converge
    on one of the two rows (the last to reach the stream wins, see docs/replication.md). If sqlite3 says "database is
    locked", the node was writing at that instant: run it again (or use sqlite3 -cmd ".timeout 5000").

    Actuator (health, state, metrics) of each node:
      node 1: http://localhost:8081/actuator/health   /actuator/harmonylite   /actuator/prometheus
      node 2: http://localhost:8082/actuator/health   /actuator/harmonylite   /actuator/prometheus
      node 3: http://localhost:8083/actuator/health   /actuator/harmonylite   /actuator/prometheus

    Snapshots:       curl http://localhost:8081/actuator/harmonylitesnapshots   (POST to take one)
                     a fourth node joins from a snapshot: run this script with --join-fourth
    Schema status:   ./harmonylite --config examples/node-1.yml --schema-status
                     ./harmonylite --config examples/node-1.yml --schema-status-cluster
    Logs:            /tmp/harmonylite-node{1,2,3}.log

    Press Ctrl-C to stop the cluster.
EOF

while true; do
	for n in "${EXAMPLE_NODES[@]}"; do
		process_alive "node$n" || die "node $n stopped unexpectedly; see /tmp/harmonylite-node$n.log"
	done
	sleep 1
done
