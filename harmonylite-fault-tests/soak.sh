#!/usr/bin/env bash
# The fault soak: the fault-injection scenarios, one after the other on one three-node cluster, for MINUTES minutes with
# randomized fault kinds, victims, durations and pauses (FaultSoak). Not part of ./mvnw verify.
#
#   harmonylite-fault-tests/soak.sh [MINUTES] [SEED]     # defaults: 10 minutes, a new seed (logged)
#
# Run as root for real network partitions (network namespaces); otherwise a partition is a SIGSTOP of the server.
# Needs nats-server 2.10+, sqlite3, ip, curl and pgrep on PATH. The log shows each round's healing time and a summary;
# the nodes' logs stay in the JUnit temp directory named in the output when a round fails.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
seed="${2:-$(date +%s)}"
if ! [[ $minutes =~ ^[0-9]+$ ]] || ((minutes < 1 || minutes > 240)); then
	echo "MINUTES must be a whole number from 1 to 240, was '$minutes'" >&2
	exit 2
fi
exec nice -n 10 ./mvnw -B -pl harmonylite-fault-tests -am verify \
	-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test=FaultSoak -Dfailsafe.failIfNoSpecifiedTests=false \
	-Dharmonylite.soak.minutes="$minutes" -Dharmonylite.soak.seed="$seed" \
	-Dfailsafe.timeout=$(((minutes + 15) * 60))
