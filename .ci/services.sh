#!/usr/bin/env bash
# The services the tests use: NATS with JetStream on 127.0.0.1:4222 and PostgreSQL on 127.0.0.1:5432.
# Each one that does not answer is started, then waited for (at most SERVICES_WAIT_S seconds, default 30).
# Exits non-zero, naming the service, when one does not answer in time. SERVICES lists name:port pairs
# to check (default "nats:4222 postgres:5432").
set -uo pipefail

wait_s=${SERVICES_WAIT_S:-30}
services=${SERVICES:-nats:4222 postgres:5432}

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

start_nats() {
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
}

start_postgres() {
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
}

status=0
for service in $services; do
  name=${service%%:*}
  port=${service##*:}
  if answers 127.0.0.1 "$port"; then
    echo "$name answers on 127.0.0.1:$port"
    continue
  fi
  echo "$name does not answer on 127.0.0.1:$port; starting it"
  "start_$name" || echo "starting $name failed (exit $?)"
  deadline=$((SECONDS + wait_s))
  until answers 127.0.0.1 "$port"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name still does not answer on 127.0.0.1:$port after ${wait_s} s"
      status=1
      break
    fi
    sleep 0.2
  done
  answers 127.0.0.1 "$port" && echo "$name answers on 127.0.0.1:$port"
done
exit $status
