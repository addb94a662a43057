# Shared helpers for the project's scripts. Source it; it changes nothing by itself.

# The repository root, whatever directory a script is called from.
LIKE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# apt_install PKG...: installs the Debian packages that are missing (idempotent; needs root on Debian).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing packages: ${missing[*]}; this is not a Debian-like system: install their equivalents by hand"
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# use_services NAME...: starts the named servers (scripts/services.sh) and, when the calling script exits, stops
# those that were not running before, also when it fails or is interrupted. Servers already running are left alone.
use_services() {
  LIKE_STARTED=()
  local name
  for name in "$@"; do
    bash "$LIKE_ROOT/scripts/services.sh" status "$name" | grep -qE ' up |3/3 nodes up' || LIKE_STARTED+=("$name")
  done
  trap stop_started_services EXIT
  trap 'exit 130' INT TERM
  bash "$LIKE_ROOT/scripts/services.sh" start "$@"
}

stop_started_services() {
  [ ${#LIKE_STARTED[@]} -eq 0 ] && return 0
  bash "$LIKE_ROOT/scripts/services.sh" stop "${LIKE_STARTED[@]}" >/dev/null 2>&1 \
    || log "warning: scripts/services.sh stop ${LIKE_STARTED[*]} failed"
}

# ensure_browser: headless Chromium and its WebDriver for the browser tests (Debian's packages), plus a font so
# screenshots show text; exports LIKE_CHROMIUM and LIKE_CHROMEDRIVER for the tests.
ensure_browser() {
  apt_install chromium chromium-driver fonts-dejavu-core
  LIKE_CHROMIUM=$(command -v chromium) || die "chromium is not on the PATH after installing it"
  LIKE_CHROMEDRIVER=$(command -v chromedriver) || die "chromedriver is not on the PATH after installing chromium-driver"
  export LIKE_CHROMIUM LIKE_CHROMEDRIVER
}

# ensure_node: Node.js for the tests of the front-end package like-client (node --test); Debian's package when the
# machine has none.
ensure_node() {
  command -v node >/dev/null 2>&1 || apt_install nodejs
  command -v node >/dev/null 2>&1 || die "node is not on the PATH after installing nodejs"
}

# ensure_prometheus: Prometheus and promtool (Debian's package) for the tests of docs/monitoring (MonitoringIT).
ensure_prometheus() {
  apt_install prometheus
  command -v promtool >/dev/null 2>&1 || die "promtool is not on the PATH after installing prometheus"
}

# ensure_build_tools: a JDK 17+ on the PATH, and what the Maven wrapper (./mvnw) needs to fetch its Maven once into
# ~/.m2/wrapper: curl and unzip. The build runs on the Maven that .mvn/wrapper/maven-wrapper.properties names,
# checked against its SHA-256, whatever Maven the machine has.
ensure_build_tools() {
  command -v javac >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  command -v unzip >/dev/null 2>&1 || apt_install unzip
  local v
  v=$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')
  [ "${v:-0}" -ge 17 ] 2>/dev/null || die "javac 17 or newer is needed, found: $(javac -version 2>&1)"
}

MVN=("$LIKE_ROOT/mvnw" -B -ntp -Dstyle.color=never)

# runtime_classpath MODULE: builds MODULE and what it needs (no tests) and prints its runtime classpath.
runtime_classpath() {
  local module=$1
  (cd "$LIKE_ROOT" && "${MVN[@]}" -q -pl "$module" -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2) || die "building $module failed"
  echo "$LIKE_ROOT/$module/target/classes:$(cat "$LIKE_ROOT/$module/target/classpath.txt")"
}
