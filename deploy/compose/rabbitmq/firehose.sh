#!/usr/bin/env bash
# Entrypoint wrapper for the rabbitmq image: starts the broker through the image's own entrypoint, then turns the
# firehose (amq.rabbitmq.trace) on in every vhost Rollcall taps. RabbitMQ does not persist tracing across
# restarts, so it has to be switched on after every boot, and a wrapper that runs on every container start does
# exactly that. `firehose.sh health` is the compose healthcheck: healthy only when the node runs AND tracing is on.
#   RABBITMQ_FIREHOSE_VHOSTS  space-separated vhosts to trace (default "/"); keep it equal to rabbitmq.vhosts
set -euo pipefail

vhosts="${RABBITMQ_FIREHOSE_VHOSTS:-/}"

# The CLI authenticates to the node with the Erlang cookie in the rabbitmq user's home; run it as that user so
# a CLI call made while the node is still booting can never create a cookie the server cannot read.
ctl() {
  if [ "$(id -u)" = 0 ]; then gosu rabbitmq rabbitmqctl "$@"; else rabbitmqctl "$@"; fi
}

tracing_on() {  # $1 = vhost
  ctl -q list_vhosts name tracing | awk -F'\t' -v v="$1" '$1 == v && $2 == "true" { found = 1 } END { exit !found }'
}

if [ "${1:-}" = health ]; then
  ctl -q status >/dev/null
  for vhost in $vhosts; do tracing_on "$vhost" || { echo "firehose is off in vhost $vhost" >&2; exit 1; }; done
  exit 0
fi

docker-entrypoint.sh "$@" &
server=$!
# Pass `docker stop` on to the broker so it shuts down cleanly instead of being killed after the grace period.
trap 'kill -TERM "$server" 2>/dev/null || true' TERM INT

# await_startup fails at once while the node is not reachable yet, and waits for the boot once it is.
until ctl -q await_startup --timeout 60 >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { wait "$server"; exit $?; }
  sleep 2
done
for vhost in $vhosts; do
  # trace_on reports success even for a vhost that does not exist, so read the state back.
  if ! { ctl -q trace_on -p "$vhost" >/dev/null && tracing_on "$vhost"; }; then
    echo "firehose: could not turn tracing on in vhost $vhost (does it exist?); stopping" >&2
    kill -TERM "$server"
    wait "$server" || true
    exit 1
  fi
  echo "firehose: tracing on in vhost $vhost (amq.rabbitmq.trace)"
done

# A stop signal interrupts `wait` (the trap runs); keep waiting until the broker has really exited and pass on
# its exit status.
while :; do
  status=0
  wait "$server" || status=$?
  kill -0 "$server" 2>/dev/null || break
done
exit "$status"
