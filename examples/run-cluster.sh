#!/usr/bin/env bash
# A three-node HarmonyLite cluster on this machine, each node replicating its own SQLite file with a Books table.
# Run with --help for the options.
set -euo pipefail
# shellcheck source=examples/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: examples/run-cluster.sh [--ci] [--keep-files] [--no-build] [--help]

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

Options:
  --ci          unattended: start, check replication, stop, and exit 0 on success
  --keep-files  keep the databases and NATS data on exit (logs are always kept)
  --no-build    fail instead of building the jar when it is missing
  --help        this help
EOF
}

parse_demo_options "$@"

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stop_example_cluster
	exit "$status"
}
on_exit cleanup

say "Checking the tools"
ensure_tools nats-server sqlite3 curl
ensure_jar "$no_build"
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

if [[ $ci == true ]]; then
	say "Cluster demo OK: 3 nodes started, a row written on node 1 replicated to nodes 2 and 3"
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
