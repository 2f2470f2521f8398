#!/usr/bin/env bash
# The notes web app on two nodes: bidirectional replication, and a stopped node catching up when restarted.
# Run with --help for the options.
set -euo pipefail
# shellcheck source=examples/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: examples/run-notes-demo.sh [--ci] [--keep-files] [--no-build] [--help]

Runs the sample app's notes page on two nodes, each with its own SQLite file, both connected to
one nats-server:
  node 1: http://localhost:8090    (database /tmp/harmonylite-notes-1.db, log /tmp/harmonylite-node1.log)
  node 2: http://localhost:8091    (database /tmp/harmonylite-notes-2.db, log /tmp/harmonylite-node2.log)
  NATS:   nats://127.0.0.1:4230    (data and log in /tmp/harmonylite-notes-nats)
It shows, through the notes API:
  - bidirectional replication: a note added on node 1 appears on node 2, an edit on node 2 on node 1;
  - catch-up: node 2 is stopped, a note is added on node 1, node 2 restarts and receives it.
Then it runs until Ctrl-C so that you can use both pages, and stops every process it started.

Options:
  --ci          unattended: run the checks above, stop, and exit 0 on success
  --keep-files  keep the databases, NATS data and logs on exit (otherwise removed, except after a failure)
  --no-build    fail instead of building the jar when it is missing
                (sample-app/target/harmonylite-sample.jar; HARMONYLITE_SAMPLE_JAR overrides it)
  --help        this help
EOF
}

parse_demo_options "$@"

NATS_PORT=4230
NATS_DIR=/tmp/harmonylite-notes-nats
NODES=(1 2)

port_of() {
	echo $((8089 + $1))
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	say "Stopping the nodes and nats-server"
	stop_all_processes
	if [[ $keep_files == true ]]; then
		info "Kept /tmp/harmonylite-notes-{1,2}.db, $NATS_DIR and the logs /tmp/harmonylite-node{1,2}.log"
	elif ((status != 0)); then
		info "Kept the logs after the failure: /tmp/harmonylite-node{1,2}.log, $NATS_DIR/nats-server.log"
	else
		for n in "${NODES[@]}"; do
			remove_node_files "/tmp/harmonylite-notes-$n.db"
			rm -f "/tmp/harmonylite-node$n.log"
		done
		rm -rf "$NATS_DIR"
	fi
	exit "$status"
}
on_exit cleanup

# start_notes_node N: the demo app on its own database, connected to the shared nats-server.
start_notes_node() {
	local n=$1
	start_process "node$n" "/tmp/harmonylite-node$n.log" sample_app "--harmonylite.node-id=$n" \
		"--harmonylite.db-path=/tmp/harmonylite-notes-$n.db" "--server.port=$(port_of "$n")" \
		"--harmonylite.nats.urls=nats://127.0.0.1:$NATS_PORT"
	info "node $n: pid ${PROCESS_PIDS[node$n]}, http://localhost:$(port_of "$n"), log /tmp/harmonylite-node$n.log"
}

wait_notes_node() {
	wait_until 180 "node $1 to start" node_started "node$1" "$(port_of "$1")" "/tmp/harmonylite-node$1.log"
	info "node $1 is up"
}

# add_note N TITLE BODY: creates a note through node N's API; sets NOTE_ID.
add_note() {
	local response
	response=$(curl -sf -m 10 -H 'Content-Type: application/json' -d "{\"title\":\"$2\",\"body\":\"$3\"}" \
		"http://localhost:$(port_of "$1")/api/notes") || die "node $1 refused the note"
	NOTE_ID=$(grep -o '"id":"[^"]*"' <<<"$response" | cut -d'"' -f4)
	[[ -n $NOTE_ID ]] || die "no id in node $1's answer: $response"
}

edit_note() {
	curl -sf -m 10 -X PUT -H 'Content-Type: application/json' -d "{\"title\":\"$3\",\"body\":\"$4\"}" \
		"http://localhost:$(port_of "$1")/api/notes/$2" >/dev/null || die "node $1 refused the edit"
}

# note_title_is N ID TITLE: true when node N serves note ID with that title.
note_title_is() {
	local response
	response=$(curl -s -m 5 "http://localhost:$(port_of "$1")/api/notes/$2" 2>/dev/null || true)
	[[ $response == *"\"title\":\"$3\""* ]]
}

say "Checking the tools"
ensure_tools nats-server curl
ensure_jar "$no_build" "$SAMPLE_JAR" sample-app
require_free_ports "$NATS_PORT" 8090 8091

for n in "${NODES[@]}"; do
	remove_node_files "/tmp/harmonylite-notes-$n.db"
	: >"/tmp/harmonylite-node$n.log"
done
rm -rf "$NATS_DIR"
mkdir -p "$NATS_DIR"

say "Starting nats-server (JetStream) on 127.0.0.1:$NATS_PORT"
start_process nats "$NATS_DIR/nats-server.log" nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$NATS_DIR"
nats_up() {
	process_alive nats || die "nats-server exited; see $NATS_DIR/nats-server.log"
	(exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null
}
wait_until 30 "nats-server to listen" nats_up

say "Starting the notes app on two nodes (Flyway creates the Books and notes tables on each)"
for n in "${NODES[@]}"; do
	start_notes_node "$n"
done
for n in "${NODES[@]}"; do
	wait_notes_node "$n"
done

say "Bidirectional replication"
add_note 1 "Shopping list" "Milk, bread, coffee"
FIRST=$NOTE_ID
info "added \"Shopping list\" on node 1"
wait_until 60 "the note to appear on node 2" note_title_is 2 "$FIRST" "Shopping list"
info "node 2 has it"
edit_note 2 "$FIRST" "Shopping list (edited on node 2)" "Milk, bread, coffee, tea"
info "edited it on node 2"
wait_until 60 "the edit to appear on node 1" note_title_is 1 "$FIRST" "Shopping list (edited on node 2)"
info "node 1 has the edit"

say "Catch-up after a restart"
info "stopping node 2"
stop_process node2
add_note 1 "Written while node 2 was down" "Node 2 receives this when it restarts."
SECOND=$NOTE_ID
info "added \"Written while node 2 was down\" on node 1"
[[ -z $(sql /tmp/harmonylite-notes-2.db "SELECT id FROM notes WHERE id = '$SECOND';") ]] ||
	die "node 2's database has the note although node 2 is stopped"
info "node 2's database does not have it"
info "starting node 2 again"
start_notes_node 2
wait_notes_node 2
wait_until 60 "node 2 to catch up" note_title_is 2 "$SECOND" "Written while node 2 was down"
info "node 2 caught up: it has the note written while it was down"

if [[ $ci == true ]]; then
	say "Notes demo OK: replication both ways, and catch-up after a restart"
	exit 0
fi

cat <<'EOF'

==> Both nodes are running. Open their notes pages side by side:

      node 1: http://localhost:8090
      node 2: http://localhost:8091

    Add, edit or delete a note on one page: it appears on the other within a second or two (the pages
    refresh every two seconds). Each page shows which node serves it and its replication status.

    To see a node catch up, stop node 2 in another terminal (its pid is shown above; kill PID), write on
    node 1's page, and start node 2 again with:

      java -jar sample-app/target/harmonylite-sample.jar --harmonylite.node-id=2 \
          --harmonylite.db-path=/tmp/harmonylite-notes-2.db --server.port=8091 \
          --harmonylite.nats.urls=nats://127.0.0.1:4230

    The same jar serves the Books REST API: curl http://localhost:8090/books

    Press Ctrl-C to stop both nodes and nats-server.
EOF

while true; do
	process_alive nats || die "nats-server stopped unexpectedly; see $NATS_DIR/nats-server.log"
	process_alive node1 || die "node 1 stopped unexpectedly; see /tmp/harmonylite-node1.log"
	sleep 1
done
