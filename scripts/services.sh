#!/usr/bin/env bash
# Real servers for the tests and demos, on 127.0.0.1 and non-default ports, without Docker:
#   redis    one redis-server                      127.0.0.1:${LIKE_REDIS_PORT:-16379}
#   cluster  a 3-master Redis Cluster              127.0.0.1:${LIKE_CLUSTER_PORT:-17001}..+2
#   mariadb  MariaDB with database like_test and a password user 'like'   127.0.0.1:${LIKE_MARIADB_PORT:-13306}
#   kafka    a single-node KRaft Kafka broker      127.0.0.1:${LIKE_KAFKA_PORT:-19092}, and a SASL/PLAIN listener on
#            the port two above it (users like-producer, like-consumer and like-admin, password = user name + "-pw";
#            ACLs are enforced, a resource without any is open to all, PLAINTEXT clients are super users)
#   rabbitmq RabbitMQ (Debian's rabbitmq-server) with the consistent-hash exchange plugin, node like-test@localhost,
#            user 'like' with the test password          amqp://127.0.0.1:${LIKE_RABBITMQ_PORT:-15673}
#            (its Erlang port mapper on ${LIKE_RABBITMQ_EPMD_PORT:-14369}, distribution on the AMQP port + 20000)
#
# Usage: scripts/services.sh start|stop|kill|hang|resume|restart|status [NAME...]   (no NAME: all five; kill = SIGKILL,
#        hang = SIGSTOP, resume = SIGCONT)
#        scripts/services.sh env                                     (export lines for the tests)
#
# Idempotent: start installs what is missing (Debian packages, the Kafka jars from the pinned pom in
# scripts/kafka-broker), starts only what is not running and waits until each server answers. Each server runs as a
# child process with a PID file under .build/services/NAME; stop stops exactly those PIDs. State (data directories)
# survives stop/start, so a test can stop one server and start it again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BASE="${LIKE_SERVICES_DIR:-$LIKE_ROOT/.build/services}"
REDIS_PORT="${LIKE_REDIS_PORT:-16379}"
CLUSTER_PORT="${LIKE_CLUSTER_PORT:-17001}"
MARIADB_PORT="${LIKE_MARIADB_PORT:-13306}"
KAFKA_PORT="${LIKE_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_SASL_PORT=$((KAFKA_PORT + 2))
RABBITMQ_PORT="${LIKE_RABBITMQ_PORT:-15673}"
RABBITMQ_EPMD_PORT="${LIKE_RABBITMQ_EPMD_PORT:-14369}"
DB_NAME=like_test
DB_USER=like
DB_PASSWORD="${LIKE_TEST_DB_PASSWORD:-like-test-only}"   # a throwaway server on loopback; never a real secret
ALL=(redis cluster mariadb kafka rabbitmq)

# ---- process helpers ----

# alive PIDFILE: the process in PIDFILE exists and is not a zombie.
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  local stat
  stat=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [ -n "$stat" ] && [[ "$stat" != Z* ]]
}

# spawn PIDFILE LOG CMD...: starts CMD in the background (not through a subshell) and records its PID.
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# crash PIDFILE NAME: SIGKILL at once, as a machine or process crash would (no shutdown work); removes the PID file.
crash() {
  local pidfile=$1 name=$2 pid
  if alive "$pidfile"; then
    pid=$(cat "$pidfile")
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive "$pidfile" || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

# halt PIDFILE NAME: SIGTERM, wait up to 30 s, then SIGKILL; removes the PID file.
halt() {
  local pidfile=$1 name=$2 pid
  if ! alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    alive "$pidfile" || break
    sleep 0.1
  done
  if alive "$pidfile"; then
    log "$name (pid $pid) ignored SIGTERM for 30 s: killing it"
    kill -9 "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$pidfile"
}

# wait_for NAME SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  local tries=$((seconds * 10))
  for _ in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "$name did not become ready within ${seconds} s (logs under $BASE)"
}

# ---- installation ----

install_packages() {
  apt_install redis-server redis-tools mariadb-server mariadb-client rabbitmq-server
}

KAFKA_LIB="$BASE/kafka/lib"
install_kafka() {
  local pom="$LIKE_ROOT/scripts/kafka-broker/pom.xml" stamp="$KAFKA_LIB/.pom.sha"
  local sum
  sum=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  ensure_build_tools
  log "fetching the Kafka broker jars (scripts/kafka-broker/pom.xml)"
  rm -rf "$KAFKA_LIB"
  mkdir -p "$KAFKA_LIB"
  "${MVN[@]}" -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIB" -DincludeScope=runtime \
    || die "could not fetch the Kafka broker jars"
  echo "$sum" >"$stamp"
}

# ---- redis ----

redis_up() { # DIR PORT [extra redis-server args...]
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  if alive "$dir/pid"; then
    return 0
  fi
  spawn "$dir/pid" "$dir/stdout.log" redis-server --port "$port" --bind 127.0.0.1 --protected-mode no \
    --save '' --appendonly no --daemonize no --dir "$dir" --logfile "$dir/redis.log" "$@"
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]; }

start_redis() {
  # the standalone server is durable, as a production one holding an outbox must be: every write is in the
  # append-only file before its reply (appendfsync always), so a SIGKILL loses nothing acknowledged
  redis_up "$BASE/redis" "$REDIS_PORT" --appendonly yes --appendfsync always --appenddirname aof \
    --maxmemory-policy noeviction --lazyfree-lazy-expire yes
  wait_for redis 15 redis_ready "$REDIS_PORT"
}

stop_redis() { halt "$BASE/redis/pid" redis; }
kill_redis() { crash "$BASE/redis/pid" redis; }

cluster_ports() { echo "$CLUSTER_PORT" $((CLUSTER_PORT + 1)) $((CLUSTER_PORT + 2)); }

cluster_ok() {
  local port
  for port in $(cluster_ports); do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

start_cluster() {
  local port
  for port in $(cluster_ports); do
    redis_up "$BASE/cluster/$port" "$port" --cluster-enabled yes \
      --cluster-config-file "$BASE/cluster/$port/nodes.conf" --cluster-node-timeout 2000 \
      --appendonly yes --appendfsync always --appenddirname aof --maxmemory-policy noeviction
  done
  for port in $(cluster_ports); do
    wait_for "cluster node $port" 15 redis_ready "$port"
  done
  # a node that has no slots yet means the cluster was never created (first start); later starts rejoin by nodes.conf
  if ! redis-cli -h 127.0.0.1 -p "$CLUSTER_PORT" cluster info | grep -q '^cluster_slots_assigned:16384'; then
    local nodes=()
    for port in $(cluster_ports); do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$BASE/cluster/create.log" 2>&1 \
      || die "redis-cli --cluster create failed: $(tail -5 "$BASE/cluster/create.log")"
  fi
  wait_for cluster 30 cluster_ok
}

stop_cluster() {
  local port
  for port in $(cluster_ports); do halt "$BASE/cluster/$port/pid" "cluster node $port"; done
}

# ---- mariadb ----

DB_DIR="$BASE/mariadb"
mariadb_ready() { mariadb-admin --no-defaults --socket="$DB_DIR/sock" -uroot ping; }

start_mariadb() {
  mkdir -p "$DB_DIR"
  if ! alive "$DB_DIR/pid"; then
    local fresh=0
    if [ ! -d "$DB_DIR/data/mysql" ]; then
      fresh=1
      rm -rf "$DB_DIR/data"
      mariadb-install-db --no-defaults --datadir="$DB_DIR/data" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >"$DB_DIR/install.log" 2>&1 \
        || die "mariadb-install-db failed: $(tail -5 "$DB_DIR/install.log")"
    fi
    spawn "$DB_DIR/pid" "$DB_DIR/mariadb.log" mariadbd --no-defaults --datadir="$DB_DIR/data" \
      --socket="$DB_DIR/sock" --port="$MARIADB_PORT" --bind-address=127.0.0.1 --user=root --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --pid-file="$DB_DIR/mariadbd.pid" \
      --innodb-buffer-pool-size=256M --max-connections=500 \
      --innodb-flush-log-at-trx-commit=2 --skip-log-bin   # a throwaway test server: no fsync per commit
    wait_for mariadb 60 mariadb_ready
    if [ "$fresh" = 1 ]; then
      mariadb --no-defaults --socket="$DB_DIR/sock" -uroot <<SQL || die "could not create the test user"
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    fi
  fi
  wait_for mariadb 60 mariadb_ready
}

stop_mariadb() { halt "$DB_DIR/pid" mariadb; }
kill_mariadb() { crash "$DB_DIR/pid" mariadb; }

# ---- kafka ----

KAFKA_DIR="$BASE/kafka"
KAFKA_JAVA=(java -Xms256m -Xmx768m -XX:+UseG1GC
  -Dlog4j2.configurationFile="$LIKE_ROOT/scripts/kafka-broker/log4j2.properties" -cp "$KAFKA_LIB/*")

kafka_ready() { grep -q "Kafka Server started" "$KAFKA_DIR/kafka.log"; }

start_kafka() {
  install_kafka
  mkdir -p "$KAFKA_DIR"
  if alive "$KAFKA_DIR/pid"; then
    return 0
  fi
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=PLAIN
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
allow.everyone.if.no.acl.found=true
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_like-producer="like-producer-pw" user_like-consumer="like-consumer-pw" user_like-admin="like-admin-pw";
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=4
PROPS
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local uuid
    uuid=$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$uuid" -c "$KAFKA_DIR/server.properties" \
      >"$KAFKA_DIR/format.log" 2>&1 || die "kafka storage format failed: $(tail -5 "$KAFKA_DIR/format.log")"
  fi
  [ -f "$KAFKA_DIR/kafka.log" ] && mv "$KAFKA_DIR/kafka.log" "$KAFKA_DIR/kafka.log.1"
  spawn "$KAFKA_DIR/pid" "$KAFKA_DIR/kafka.log" "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
  wait_for kafka 90 kafka_ready
}

stop_kafka() { halt "$KAFKA_DIR/pid" kafka; }
kill_kafka() { crash "$KAFKA_DIR/pid" kafka; }

# ---- rabbitmq ----

RABBITMQ_DIR="$BASE/rabbitmq"
RABBITMQ_BIN=/usr/lib/rabbitmq/bin   # Debian's wrappers in /usr/sbin switch to the rabbitmq user; these run as we are

# rabbit_env CMD...: runs a RabbitMQ command against this node only: its own name, ports, cookie (HOME) and files,
# so that it never touches a system-wide RabbitMQ.
rabbit_env() {
  env HOME="$RABBITMQ_DIR" RABBITMQ_NODENAME=like-test@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$RABBITMQ_PORT" RABBITMQ_DIST_PORT=$((RABBITMQ_PORT + 20000)) \
    ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_MNESIA_BASE="$RABBITMQ_DIR/data" RABBITMQ_LOG_BASE="$RABBITMQ_DIR/log" \
    RABBITMQ_CONFIG_FILE="$RABBITMQ_DIR/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_DIR/enabled_plugins" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RABBITMQ_DIR/advanced.config" RABBITMQ_CONF_ENV_FILE="$RABBITMQ_DIR/rabbitmq-env.conf" \
    RABBITMQ_PID_FILE="$RABBITMQ_DIR/beam.pid" ERL_CRASH_DUMP="$RABBITMQ_DIR/erl_crash.dump" "$@"
}

# rabbitmq_launched: the VM wrote its PID, or the script that starts it has exited (a failed start)
rabbitmq_launched() { [ -s "$RABBITMQ_DIR/beam.pid" ] || ! kill -0 "$(cat "$RABBITMQ_DIR/script.pid")" 2>/dev/null; }

rabbitmq_ready() { rabbit_env "$RABBITMQ_BIN/rabbitmqctl" -q await_startup --timeout 5; }

start_rabbitmq() {
  mkdir -p "$RABBITMQ_DIR/log"
  if alive "$RABBITMQ_DIR/pid"; then
    return 0
  fi
  cat >"$RABBITMQ_DIR/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$RABBITMQ_PORT
loopback_users = none
default_user = $DB_USER
default_pass = $DB_PASSWORD
# a test broker on a shared machine: let it run with little free disk and memory
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2
CONF
  echo "[rabbitmq_consistent_hash_exchange]." >"$RABBITMQ_DIR/enabled_plugins"
  : >"$RABBITMQ_DIR/rabbitmq-env.conf"
  [ -f "$RABBITMQ_DIR/advanced.config" ] || echo "[]." >"$RABBITMQ_DIR/advanced.config"
  rm -f "$RABBITMQ_DIR/beam.pid"
  # rabbitmq-server is a shell script that runs the Erlang VM as its child: the PID file names the VM, so that kill
  # and hang reach the broker itself
  rabbit_env "$RABBITMQ_BIN/rabbitmq-server" >>"$RABBITMQ_DIR/stdout.log" 2>&1 </dev/null &
  echo $! >"$RABBITMQ_DIR/script.pid"
  wait_for rabbitmq 90 rabbitmq_launched
  [ -s "$RABBITMQ_DIR/beam.pid" ] || die "rabbitmq-server exited: $(tail -3 "$RABBITMQ_DIR/stdout.log")"
  cp "$RABBITMQ_DIR/beam.pid" "$RABBITMQ_DIR/pid"
  wait_for rabbitmq 90 rabbitmq_ready
}

stop_rabbitmq() {
  if alive "$RABBITMQ_DIR/pid"; then
    rabbit_env "$RABBITMQ_BIN/rabbitmqctl" -q shutdown --timeout 30 >/dev/null 2>&1 || true
  fi
  halt "$RABBITMQ_DIR/pid" rabbitmq
}
kill_rabbitmq() { crash "$RABBITMQ_DIR/pid" rabbitmq; }

# ---- commands ----

status_of() {
  case $1 in
    redis) alive "$BASE/redis/pid" && echo "redis    up    redis://127.0.0.1:$REDIS_PORT (pid $(cat "$BASE/redis/pid"))" \
      || echo "redis    down" ;;
    cluster)
      local port up=0
      for port in $(cluster_ports); do alive "$BASE/cluster/$port/pid" && up=$((up + 1)); done
      echo "cluster  $up/3 nodes up, ports $(cluster_ports | tr ' ' ',')" ;;
    mariadb) alive "$DB_DIR/pid" && echo "mariadb  up    $(jdbc_url) user $DB_USER (pid $(cat "$DB_DIR/pid"))" \
      || echo "mariadb  down" ;;
    kafka) alive "$KAFKA_DIR/pid" && echo "kafka    up    127.0.0.1:$KAFKA_PORT (pid $(cat "$KAFKA_DIR/pid"))" \
      || echo "kafka    down" ;;
    rabbitmq) alive "$RABBITMQ_DIR/pid" \
      && echo "rabbitmq up    amqp://127.0.0.1:$RABBITMQ_PORT user $DB_USER (pid $(cat "$RABBITMQ_DIR/pid"))" \
      || echo "rabbitmq down" ;;
  esac
}

jdbc_url() { echo "jdbc:mysql://127.0.0.1:$MARIADB_PORT/$DB_NAME"; }

print_env() {
  local nodes=() port
  for port in $(cluster_ports); do nodes+=("redis://127.0.0.1:$port"); done
  echo "export LIKE_TEST_REDIS_URI=redis://127.0.0.1:$REDIS_PORT"
  echo "export LIKE_TEST_REDIS_CLUSTER=$(IFS=,; echo "${nodes[*]}")"
  echo "export LIKE_TEST_JDBC_URL=$(jdbc_url)"
  echo "export LIKE_TEST_JDBC_USER=$DB_USER"
  echo "export LIKE_TEST_JDBC_PASSWORD=$DB_PASSWORD"
  echo "export LIKE_TEST_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
  echo "export LIKE_TEST_KAFKA_SASL_BOOTSTRAP=127.0.0.1:$KAFKA_SASL_PORT"
  echo "export LIKE_TEST_RABBITMQ_URI=amqp://$DB_USER:$DB_PASSWORD@127.0.0.1:$RABBITMQ_PORT"
  echo "export LIKE_TEST_SERVICES_SCRIPT=$LIKE_ROOT/scripts/services.sh"
}

pidfile_of() {
  case $1 in redis) echo "$BASE/redis/pid" ;; mariadb) echo "$DB_DIR/pid" ;; kafka) echo "$KAFKA_DIR/pid" ;;
    rabbitmq) echo "$RABBITMQ_DIR/pid" ;;
    *) die "hang and resume apply to redis, mariadb, kafka and rabbitmq" ;; esac
}

# signal NAME SIG: SIGSTOP (hang: the process keeps its sockets open but answers nothing) or SIGCONT (resume).
signal() {
  local pidfile
  pidfile=$(pidfile_of "$1")
  alive "$pidfile" || die "$1 is not running"
  kill "-$2" "$(cat "$pidfile")"
}

check_name() {
  case $1 in redis|cluster|mariadb|kafka|rabbitmq) ;; *) die "unknown server '$1' (known: ${ALL[*]})" ;; esac
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  local names=("$@")
  [ ${#names[@]} -eq 0 ] && names=("${ALL[@]}")
  for n in "${names[@]}"; do check_name "$n"; done
  mkdir -p "$BASE"
  case $cmd in
    start)
      install_packages
      for n in "${names[@]}"; do
        local t0=$SECONDS
        "start_$n"
        log "$(status_of "$n") [$((SECONDS - t0)) s]"
      done ;;
    stop)
      for n in "${names[@]}"; do "stop_$n"; log "$n stopped"; done ;;
    kill)
      for n in "${names[@]}"; do
        [ "$n" = cluster ] && die "kill applies to redis, mariadb, kafka and rabbitmq"
        "kill_$n"; log "$n killed (SIGKILL)"
      done ;;
    hang)
      for n in "${names[@]}"; do signal "$n" STOP; log "$n hung (SIGSTOP)"; done ;;
    resume)
      for n in "${names[@]}"; do signal "$n" CONT; log "$n resumed (SIGCONT)"; done ;;
    restart)
      for n in "${names[@]}"; do "stop_$n"; "start_$n"; log "$(status_of "$n")"; done ;;
    status)
      for n in "${names[@]}"; do status_of "$n"; done ;;
    env)
      print_env ;;
    *)
      die "usage: scripts/services.sh start|stop|kill|hang|resume|restart|status [redis|cluster|mariadb|kafka|rabbitmq...] | env" ;;
  esac
}

main "$@"
