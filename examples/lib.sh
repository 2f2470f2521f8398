# Shared helpers of the example scripts; sourced, not run. Every process started with start_process is stopped by
# stop_all_processes, which the scripts call from their EXIT trap.
# shellcheck shell=bash

EXAMPLES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$EXAMPLES_DIR/.." && pwd)
# The standalone node's jar, which ./harmonylite runs, and the demo app's jar.
JAR=${HARMONYLITE_JAR:-$ROOT/harmonylite-node/target/harmonylite.jar}
SAMPLE_JAR=${HARMONYLITE_SAMPLE_JAR:-$ROOT/sample-app/target/harmonylite-sample.jar}
# Quick start-up matters more than peak speed for a demo on a laptop or a 2-core CI machine.
export JAVA_OPTS=${JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m}

POLL_INTERVAL=0.5
declare -A PROCESS_PIDS=()
declare -a PROCESS_ORDER=()

say() {
	printf '\n==> %s\n' "$*"
}

info() {
	printf '    %s\n' "$*"
}

die() {
	printf '\nFAILED: %s\n' "$*" >&2
	exit 1
}

# Installs the Debian packages of the missing commands (apt-get update first; sudo only when not root). nats-server
# must be 2.10 or newer, to sync every write before acknowledging it: .ci/install-nats-server installs it.
ensure_tools() {
	local missing=() command nats_server=ok
	for command in "$@"; do
		if [[ $command == nats-server ]]; then
			"$ROOT/.ci/install-nats-server" --check || nats_server=missing
		else
			command -v "$command" >/dev/null 2>&1 || missing+=("$command")
		fi
	done
	command -v java >/dev/null 2>&1 || [[ -x ${JAVA_HOME-}/bin/java ]] ||
		die "java not found: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)"
	((${#missing[@]} == 0)) && [[ $nats_server == ok ]] && return 0
	local sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 ||
			die "missing ${missing[*]} (nats-server: $nats_server), and not root without sudo: apt-get install -y ${missing[*]}; .ci/install-nats-server"
		sudo=(sudo)
	fi
	command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} (nats-server: $nats_server); install them with your package manager (nats-server 2.10 or newer)"
	local installing=("${missing[@]}")
	[[ $nats_server == ok ]] || installing+=("nats-server 2.10+")
	say "Installing ${installing[*]} (apt-get)"
	"${sudo[@]}" apt-get update -qq
	if ((${#missing[@]} > 0)); then
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	if [[ $nats_server != ok ]]; then
		"$ROOT/.ci/install-nats-server" >/dev/null
	fi
}

# ensure_jar NO_BUILD [JAR MODULE]: builds the jar (the node's by default) when missing, unless NO_BUILD is "true"
# (--no-build).
ensure_jar() {
	local no_build=$1 jar=${2:-$JAR} module=${3:-harmonylite-node}
	if [[ -f $jar ]]; then
		return 0
	fi
	[[ $no_build != true ]] || die "$jar is missing and --no-build was given: build it with ./mvnw -pl $module -am package -DskipTests"
	say "Building $jar (first run only, about a minute)"
	(cd "$ROOT" && ./mvnw -q -B -pl "$module" -am package -DskipTests)
}

# sample_app ARGS...: runs the demo app's jar with Spring properties, replacing the shell (for start_process).
sample_app() {
	local java=java
	if [[ -n ${JAVA_HOME-} && -x $JAVA_HOME/bin/java ]]; then
		java=$JAVA_HOME/bin/java
	fi
	# shellcheck disable=SC2086 # JAVA_OPTS holds several options.
	exec "$java" ${JAVA_OPTS-} -jar "$SAMPLE_JAR" "$@"
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails when one of the TCP ports on 127.0.0.1 is still taken after 20 s, e.g. by a previous run still going (a
# stopped node's nats-server may need a few seconds to flush and exit).
require_free_ports() {
	local port deadline=$((SECONDS + 20))
	for port in "$@"; do
		while port_in_use "$port"; do
			if ((SECONDS >= deadline)); then
				die "port $port is in use; stop what listens there (a previous demo?) and try again"
			fi
			sleep "$POLL_INTERVAL"
		done
	done
}

# start_process NAME LOGFILE COMMAND...: runs the command in the background, output appended to LOGFILE.
start_process() {
	local name=$1 log=$2
	shift 2
	"$@" >>"$log" 2>&1 &
	PROCESS_PIDS[$name]=$!
	PROCESS_ORDER+=("$name")
}

process_alive() {
	local pid=${PROCESS_PIDS[$1]-}
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# stop_process NAME: SIGTERM (a node flushes and stops its nats-server), SIGKILL after 30 s.
stop_process() {
	local name=$1 pid=${PROCESS_PIDS[$1]-}
	[[ -n $pid ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 30))
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
			sleep "$POLL_INTERVAL"
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "    $name did not stop within 30 s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
	unset "PROCESS_PIDS[$name]"
}

stop_all_processes() {
	local i
	for ((i = ${#PROCESS_ORDER[@]} - 1; i >= 0; i--)); do
		stop_process "${PROCESS_ORDER[i]}"
	done
	PROCESS_ORDER=()
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls the command until it succeeds; fails after the deadline.
wait_until() {
	local timeout=$1 description=$2
	shift 2
	local deadline=$((SECONDS + timeout))
	until "$@"; do
		if ((SECONDS >= deadline)); then
			die "timed out after ${timeout}s waiting for: $description"
		fi
		sleep "$POLL_INTERVAL"
	done
}

# http_status URL: prints the HTTP status code, 000 when nothing answers.
http_status() {
	curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
}

# sql DB STATEMENT: runs SQL with the sqlite3 CLI, waiting for locks like the nodes do.
sql() {
	sqlite3 -cmd '.timeout 30000' "$1" "$2"
}

# node_started NAME PORT LOG: true once the node answers HTTP (the engine starts before the web server); fails at
# once, with the log's tail, when the node's process has exited.
node_started() {
	local name=$1 port=$2 log=$3
	if ! process_alive "$name"; then
		echo "---- last lines of $log ----" >&2
		tail -n 30 "$log" >&2 || true
		die "$name exited during startup (see $log)"
	fi
	[[ $(http_status "http://localhost:$port/actuator/health") != 000 ]]
}

# remove_node_files DB: the database, its WAL files and the JetStream store next to it.
remove_node_files() {
	rm -rf "$1" "$1-wal" "$1-shm" "$1-journal" "$1-nats"
}

# The example cluster's nodes (examples/node-N.yml): database /tmp/harmonylite-N.db, log /tmp/harmonylite-nodeN.log,
# HTTP port 808N.

# create_books_database N: a fresh /tmp/harmonylite-N.db with the seeded Books table, made with the sqlite3 CLI.
create_books_database() {
	local db=/tmp/harmonylite-$1.db
	remove_node_files "$db"
	sqlite3 "$db" <"$EXAMPLES_DIR/books.sql"
}

# start_example_node N [--name=value...]: ./harmonylite --config examples/node-N.yml in the background.
start_example_node() {
	local n=$1
	shift
	start_process "node$n" "/tmp/harmonylite-node$n.log" "$ROOT/harmonylite" --config "$EXAMPLES_DIR/node-$n.yml" "$@"
	info "node $n: pid ${PROCESS_PIDS[node$n]}, log /tmp/harmonylite-node$n.log"
}

wait_example_node() {
	wait_until 180 "node $1 to start" node_started "node$1" "808$1" "/tmp/harmonylite-node$1.log"
	info "node $1 is up (http://localhost:808$1/actuator)"
}

# The three-node cluster of run-cluster.sh and run-schema-migration-test.sh: node N reads examples/node-N.yml, runs
# on /tmp/harmonylite-N.db and logs to /tmp/harmonylite-nodeN.log.
EXAMPLE_NODES=(1 2 3)
EXAMPLE_PORTS=(4221 4222 4223 4321 4322 4323 8081 8082 8083)

# start_example_cluster: creates the three Books databases and empty logs, starts the nodes and waits until each is up.
start_example_cluster() {
	local n
	for n in "${EXAMPLE_NODES[@]}"; do
		create_books_database "$n"
		: >"/tmp/harmonylite-node$n.log"
	done
	for n in "${EXAMPLE_NODES[@]}"; do
		start_example_node "$n"
	done
	for n in "${EXAMPLE_NODES[@]}"; do
		wait_example_node "$n"
	done
}

# stop_example_cluster: stops every process the script started and, without --keep-files, removes the databases.
stop_example_cluster() {
	local n
	say "Stopping the nodes"
	stop_all_processes
	if [[ $keep_files == false ]]; then
		for n in "${EXAMPLE_NODES[@]}"; do
			remove_node_files "/tmp/harmonylite-$n.db"
		done
	else
		info "Kept the databases /tmp/harmonylite-{$(IFS=,; echo "${EXAMPLE_NODES[*]}")}.db and their NATS data"
	fi
	info "Logs: /tmp/harmonylite-node{$(IFS=,; echo "${EXAMPLE_NODES[*]}")}.log"
}

# on_exit FUNCTION: runs FUNCTION when the script ends, also on Ctrl-C (exit code 130) and TERM (143).
on_exit() {
	trap "$1" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Parses the options every demo takes (--ci, --keep-files, --no-build, --help) into ci, keep_files and no_build.
# The calling script defines usage().
parse_demo_options() {
	ci=false
	keep_files=false
	no_build=false
	while (($# > 0)); do
		case $1 in
		--ci) ci=true ;;
		--keep-files) keep_files=true ;;
		--no-build) no_build=true ;;
		-h | --help)
			usage
			exit 0
			;;
		*)
			echo "Unknown option $1" >&2
			usage >&2
			exit 1
			;;
		esac
		shift
	done
}
