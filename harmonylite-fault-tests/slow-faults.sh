#!/usr/bin/env bash
# The slowest fault scenarios (tagged "slow"), left out of ./mvnw verify to keep CI short; run them before a release or
# after changing what they prove:
#   - a node whose nats-server store fills up reports REPLICA_STUCK while the others go on, and heals once there is
#     room (FullStoreFaultIntegrationTests; root, for a small tmpfs);
#   - a transaction of 40 BLOBs of 8 MB reaches every node through nodes with small heaps
#     (LargeTransactionFaultIntegrationTests).
# CI proves their parts in smaller tests (StuckReplicaHealerTests, StoreRoomTests, EmbeddedLargeChangeIntegrationTests).
#
#   harmonylite-fault-tests/slow-faults.sh        # about 5 minutes on a 2-core machine, after the build
#
# Needs what the fault suite needs: nats-server 2.10+, sqlite3, ip, curl and pgrep on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -B -pl harmonylite-fault-tests -am verify \
	-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test='FullStoreFaultIntegrationTests,LargeTransactionFaultIntegrationTests' \
	-Dfailsafe.failIfNoSpecifiedTests=false \
	-Dharmonylite.faults.excluded-groups=none -Dgroups=slow
