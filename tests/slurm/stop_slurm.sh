#!/usr/bin/env bash
# Stop the daemons started by start_slurm.sh DIR, by the PIDs it recorded (never by name).
set -uo pipefail
DIR=$(realpath -m "${1:?usage: stop_slurm.sh DIR}")
[ -f "$DIR/pids" ] || exit 0
tac "$DIR/pids" | while read -r name pid; do
  kill "$pid" 2>/dev/null || true
done
for _ in $(seq 50); do
  alive=0
  while read -r name pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$DIR/pids"
  [ "$alive" = 0 ] && exit 0
  sleep 0.2
done
while read -r name pid; do kill -9 "$pid" 2>/dev/null || true; done < "$DIR/pids"
exit 0
