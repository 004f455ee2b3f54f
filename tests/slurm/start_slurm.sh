#!/usr/bin/env bash
# Start a private single-node SLURM (munged, slurmctld, slurmd) in DIR, for the cluster test.
# Accounting is disabled; proctrack/linuxproc and task/none avoid cgroups; a fresh
# StateSaveLocation per start avoids a cluster-name mismatch. Every daemon's PID is written to
# DIR/pids so tests/slurm/stop_slurm.sh can stop exactly what was started.
# Usage: start_slurm.sh DIR   (then: export PATH=DIR/bin:$PATH SLURM_CONF=DIR/slurm.conf)
set -euo pipefail
DIR=$(realpath -m "${1:?usage: start_slurm.sh DIR}")
mkdir -p "$DIR"/{state,spool,log,munge}
: > "$DIR/pids"
chmod 700 "$DIR/munge"

# munge: a key and a socket of our own (munged refuses root without --force)
mungekey --create --keyfile="$DIR/munge/munge.key" --force 2>/dev/null \
  || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$DIR/munge/munge.key"
munged --force --foreground --key-file="$DIR/munge/munge.key" \
  --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munge/munged.pid" \
  --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed" \
  > "$DIR/log/munged.out" 2>&1 &
echo "munged $!" >> "$DIR/pids"
for _ in $(seq 50); do [ -S "$DIR/munge/munge.socket" ] && break; sleep 0.1; done

HOST=$(hostname -s)
NODE=$(slurmd -C | head -1 | sed 's/ UpTime.*//')
# free ports on loopback for this cluster
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
ports = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); s.close()
print(*ports)')
cat > "$DIR/slurm.conf" <<CONF
ClusterName=alkannot$$
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
$NODE State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$DIR/slurm.conf"
# Client wrappers: Snakemake's job-step executor drops every SLURM_* variable before its nested
# srun, so SLURM_CONF alone would not reach it; put DIR/bin first on PATH instead.
mkdir -p "$DIR/bin"
for cmd in srun sbatch squeue scancel sinfo sacct scontrol; do
  real=$(command -v "$cmd" || true)
  [ -n "$real" ] || continue
  printf '#!/bin/sh\nSLURM_CONF=%s exec %s "$@"\n' "$SLURM_CONF" "$real" > "$DIR/bin/$cmd"
  chmod +x "$DIR/bin/$cmd"
done
slurmctld -D -f "$SLURM_CONF" > "$DIR/log/slurmctld.out" 2>&1 &
echo "slurmctld $!" >> "$DIR/pids"
slurmd -D -f "$SLURM_CONF" > "$DIR/log/slurmd.out" 2>&1 &
echo "slurmd $!" >> "$DIR/pids"

for _ in $(seq 100); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  case "$state" in idle*|mixed*|alloc*) echo "slurm up: $state"; exit 0 ;; esac
  sleep 0.3
done
echo "slurm did not come up; logs in $DIR/log" >&2
tail -5 "$DIR"/log/*.log >&2 || true
exit 1
