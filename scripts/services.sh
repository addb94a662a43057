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
#   mariadb-primary, mariadb-replica   MariaDB with a replica fed by its binlog (GTID), same database and user as
#            mariadb                   127.0.0.1:${LIKE_MARIADB_PRIMARY_PORT:-13316} and the port above it
#   mariadb-shard  a second MariaDB server, the other shard of the sharding tests     the primary's port + 2
#   redis-primary, redis-replica       Redis without persistence and a replica of it (replicaof)
#                                      127.0.0.1:${LIKE_REDIS_PRIMARY_PORT:-16389} and the port above it
#
# Usage: scripts/services.sh start|stop|kill|hang|resume|restart|status [NAME...]   (no NAME: all ten; kill = SIGKILL,
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
MARIADB_PRIMARY_PORT="${LIKE_MARIADB_PRIMARY_PORT:-13316}"
MARIADB_REPLICA_PORT=$((MARIADB_PRIMARY_PORT + 1))
MARIADB_SHARD_PORT=$((MARIADB_PRIMARY_PORT + 2))
REDIS_PRIMARY_PORT="${LIKE_REDIS_PRIMARY_PORT:-16389}"
REDIS_REPLICA_PORT=$((REDIS_PRIMARY_PORT + 1))
KAFKA_PORT="${LIKE_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_SASL_PORT=$((KAFKA_PORT + 2))
RABBITMQ_PORT="${LIKE_RABBITMQ_PORT:-15673}"
RABBITMQ_EPMD_PORT="${LIKE_RABBITMQ_EPMD_PORT:-14369}"
DB_NAME=like_test
DB_USER=like
DB_PASSWORD="${LIKE_TEST_DB_PASSWORD:-like-test-only}"   # a throwaway server on loopback; never a real secret
ALL=(redis cluster mariadb kafka rabbitmq mariadb-primary mariadb-replica mariadb-shard redis-primary redis-replica)

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

# the broker's jars live beside the data directories, not in them: a data directory in memory need not hold them
KAFKA_LIB="$LIKE_ROOT/.build/kafka-lib"
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

# The replicated pair: a primary without persistence of its own (replication is what keeps a write when it dies) and
# a replica of it. A failover test promotes the replica (REPLICAOF NO ONE); restarting the pair restores it.
start_redis_primary() {
  redis_up "$BASE/redis-primary" "$REDIS_PRIMARY_PORT" --maxmemory-policy noeviction
  wait_for redis-primary 15 redis_ready "$REDIS_PRIMARY_PORT"
}

redis_replica_linked() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PRIMARY_PORT" info replication 2>/dev/null | grep -q '^slave0:.*state=online'
}

start_redis_replica() {
  alive "$BASE/redis-primary/pid" || start_redis_primary
  redis_up "$BASE/redis-replica" "$REDIS_REPLICA_PORT" --maxmemory-policy noeviction \
    --replicaof 127.0.0.1 "$REDIS_PRIMARY_PORT"
  wait_for redis-replica 15 redis_ready "$REDIS_REPLICA_PORT"
  # a replica promoted by a test is made a replica again
  redis-cli -h 127.0.0.1 -p "$REDIS_REPLICA_PORT" replicaof 127.0.0.1 "$REDIS_PRIMARY_PORT" >/dev/null
  wait_for redis-replica 30 redis_replica_linked
}

stop_redis_primary() { halt "$BASE/redis-primary/pid" redis-primary; }
kill_redis_primary() { crash "$BASE/redis-primary/pid" redis-primary; }
stop_redis_replica() { halt "$BASE/redis-replica/pid" redis-replica; }
kill_redis_replica() { crash "$BASE/redis-replica/pid" redis-replica; }

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
mariadb_ready_at() { mariadb-admin --no-defaults --socket="$1/sock" -uroot ping; }
mariadb_ready() { mariadb_ready_at "$DB_DIR"; }

# mariadb_up NAME DIR PORT [extra mariadbd args...]: installs a data directory on first use and starts the server;
# returns 0 with FRESH=1 when the data directory was created now.
mariadb_up() {
  local name=$1 dir=$2 port=$3
  shift 3
  FRESH=0
  mkdir -p "$dir"
  if ! alive "$dir/pid"; then
    if [ ! -d "$dir/data/mysql" ]; then
      FRESH=1
      rm -rf "$dir/data"
      mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
        || die "mariadb-install-db failed: $(tail -5 "$dir/install.log")"
    fi
    spawn "$dir/pid" "$dir/mariadb.log" mariadbd --no-defaults --datadir="$dir/data" \
      --socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 --user=root --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --pid-file="$dir/mariadbd.pid" \
      --max-connections=500 --innodb-flush-log-at-trx-commit=2 "$@"   # a throwaway test server: no fsync per commit
  fi
  wait_for "$name" 60 mariadb_ready_at "$dir"
}

# create_test_user DIR: the test database and the password user, over the server's socket
create_test_user() {
  mariadb --no-defaults --socket="$1/sock" -uroot <<SQL || die "could not create the test user"
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

start_mariadb() {
  mariadb_up mariadb "$DB_DIR" "$MARIADB_PORT" --innodb-buffer-pool-size=256M --skip-log-bin
  [ "$FRESH" = 1 ] && create_test_user "$DB_DIR"
  return 0
}

stop_mariadb() { halt "$DB_DIR/pid" mariadb; }
kill_mariadb() { crash "$DB_DIR/pid" mariadb; }

# The replicated pair: a primary writing a row-based binlog with GTIDs, and a replica fed by it (GTID auto-position,
# crash-safe relay log). Everything the primary ever did is in its binlog, the test user included, so a fresh replica
# catches up from the first event and gets the user through replication.
PRIMARY_DIR="$BASE/mariadb-primary"
REPLICA_DIR="$BASE/mariadb-replica"
SHARD_DIR="$BASE/mariadb-shard"
REPL_USER=like_repl

start_mariadb_primary() {
  mariadb_up mariadb-primary "$PRIMARY_DIR" "$MARIADB_PRIMARY_PORT" --innodb-buffer-pool-size=64M \
    --server-id=1 --log-bin="$PRIMARY_DIR/data/binlog" --binlog-format=ROW --sync-binlog=0
  if [ "$FRESH" = 1 ]; then
    create_test_user "$PRIMARY_DIR"
    mariadb --no-defaults --socket="$PRIMARY_DIR/sock" -uroot <<SQL || die "could not create the replication user"
CREATE USER IF NOT EXISTS '$REPL_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'%';
-- read_only on the replica then holds for the test user too: a test cannot write there and break replication
REVOKE READ_ONLY ADMIN ON *.* FROM '$DB_USER'@'%';
SQL
  fi
  return 0
}

replica_running() {
  mariadb --no-defaults --socket="$REPLICA_DIR/sock" -uroot -e 'SHOW REPLICA STATUS\G' 2>/dev/null \
    | grep -q 'Slave_IO_Running: Yes'
}

start_mariadb_replica() {
  alive "$PRIMARY_DIR/pid" || start_mariadb_primary
  mariadb_up mariadb-replica "$REPLICA_DIR" "$MARIADB_REPLICA_PORT" --innodb-buffer-pool-size=64M \
    --server-id=2 --relay-log="$REPLICA_DIR/data/relay" --relay-log-recovery=ON --read-only=ON
  if [ "$FRESH" = 1 ]; then
    mariadb --no-defaults --socket="$REPLICA_DIR/sock" -uroot <<SQL || die "could not start replication"
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$MARIADB_PRIMARY_PORT, MASTER_USER='$REPL_USER',
  MASTER_PASSWORD='$DB_PASSWORD', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
  fi
  wait_for mariadb-replica 30 replica_running
  # the test user arrives through replication
  wait_for mariadb-replica 60 mariadb --no-defaults --host=127.0.0.1 --port="$MARIADB_REPLICA_PORT" \
    -u"$DB_USER" -p"$DB_PASSWORD" -e 'SELECT 1'
}

start_mariadb_shard() {
  mariadb_up mariadb-shard "$SHARD_DIR" "$MARIADB_SHARD_PORT" --innodb-buffer-pool-size=64M --skip-log-bin
  [ "$FRESH" = 1 ] && create_test_user "$SHARD_DIR"
  return 0
}

stop_mariadb_primary() { halt "$PRIMARY_DIR/pid" mariadb-primary; }
kill_mariadb_primary() { crash "$PRIMARY_DIR/pid" mariadb-primary; }
stop_mariadb_replica() { halt "$REPLICA_DIR/pid" mariadb-replica; }
kill_mariadb_replica() { crash "$REPLICA_DIR/pid" mariadb-replica; }
stop_mariadb_shard() { halt "$SHARD_DIR/pid" mariadb-shard; }
kill_mariadb_shard() { crash "$SHARD_DIR/pid" mariadb-shard; }

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
    mariadb-primary) status_line "$PRIMARY_DIR" mariadb-primary "jdbc:mysql://127.0.0.1:$MARIADB_PRIMARY_PORT/$DB_NAME" ;;
    mariadb-replica) status_line "$REPLICA_DIR" mariadb-replica "jdbc:mysql://127.0.0.1:$MARIADB_REPLICA_PORT/$DB_NAME" ;;
    mariadb-shard) status_line "$SHARD_DIR" mariadb-shard "jdbc:mysql://127.0.0.1:$MARIADB_SHARD_PORT/$DB_NAME" ;;
    redis-primary) status_line "$BASE/redis-primary" redis-primary "redis://127.0.0.1:$REDIS_PRIMARY_PORT" ;;
    redis-replica) status_line "$BASE/redis-replica" redis-replica "redis://127.0.0.1:$REDIS_REPLICA_PORT" ;;
  esac
}

status_line() { # DIR NAME ENDPOINT
  alive "$1/pid" && echo "$2 up    $3 (pid $(cat "$1/pid"))" || echo "$2 down"
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
  echo "export LIKE_TEST_JDBC_PRIMARY_URL=jdbc:mysql://127.0.0.1:$MARIADB_PRIMARY_PORT/$DB_NAME"
  echo "export LIKE_TEST_JDBC_REPLICA_URL=jdbc:mysql://127.0.0.1:$MARIADB_REPLICA_PORT/$DB_NAME"
  echo "export LIKE_TEST_JDBC_SHARD_URL=jdbc:mysql://127.0.0.1:$MARIADB_SHARD_PORT/$DB_NAME"
  echo "export LIKE_TEST_REDIS_PRIMARY_URI=redis://127.0.0.1:$REDIS_PRIMARY_PORT"
  echo "export LIKE_TEST_REDIS_REPLICA_URI=redis://127.0.0.1:$REDIS_REPLICA_PORT"
  echo "export LIKE_TEST_SERVICES_SCRIPT=$LIKE_ROOT/scripts/services.sh"
}

pidfile_of() {
  case $1 in redis) echo "$BASE/redis/pid" ;; mariadb) echo "$DB_DIR/pid" ;; kafka) echo "$KAFKA_DIR/pid" ;;
    rabbitmq) echo "$RABBITMQ_DIR/pid" ;; mariadb-primary) echo "$PRIMARY_DIR/pid" ;;
    mariadb-replica) echo "$REPLICA_DIR/pid" ;; mariadb-shard) echo "$SHARD_DIR/pid" ;;
    redis-primary|redis-replica) echo "$BASE/$1/pid" ;;
    *) die "hang and resume apply to every server but the cluster" ;; esac
}

# signal NAME SIG: SIGSTOP (hang: the process keeps its sockets open but answers nothing) or SIGCONT (resume).
signal() {
  local pidfile
  pidfile=$(pidfile_of "$1")
  alive "$pidfile" || die "$1 is not running"
  kill "-$2" "$(cat "$pidfile")"
}

check_name() {
  case $1 in redis|cluster|mariadb|kafka|rabbitmq|mariadb-primary|mariadb-replica|mariadb-shard|redis-primary) ;;
    redis-replica) ;; *) die "unknown server '$1' (known: ${ALL[*]})" ;; esac
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
        "start_${n//-/_}"
        log "$(status_of "$n") [$((SECONDS - t0)) s]"
      done ;;
    stop)
      for n in "${names[@]}"; do "stop_${n//-/_}"; log "$n stopped"; done ;;
    kill)
      for n in "${names[@]}"; do
        [ "$n" = cluster ] && die "kill applies to every server but the cluster"
        "kill_${n//-/_}"; log "$n killed (SIGKILL)"
      done ;;
    hang)
      for n in "${names[@]}"; do signal "$n" STOP; log "$n hung (SIGSTOP)"; done ;;
    resume)
      for n in "${names[@]}"; do signal "$n" CONT; log "$n resumed (SIGCONT)"; done ;;
    restart)
      for n in "${names[@]}"; do "stop_${n//-/_}"; "start_${n//-/_}"; log "$(status_of "$n")"; done ;;
    status)
      for n in "${names[@]}"; do status_of "$n"; done ;;
    env)
      print_env ;;
    *)
      die "usage: scripts/services.sh start|stop|kill|hang|resume|restart|status [${ALL[*]}] | env" ;;
  esac
}

main "$@"
