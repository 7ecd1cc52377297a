#!/bin/sh
# SQL probe of `npm run verify` (docs/verify.md). POSIX sh + psql (+ awk, sort). Runs in a Job in the
# plane's cluster (environment from the workload ConfigMap `platform-config`) and, unchanged, in the
# test suite against a real local PostgreSQL server.
#
# Prints `VERIFY key=value` lines (parsed by tools/verify/checks/sql.ts) and human progress lines.
# Exit status 0 only when every step worked; the caller still judges the VERIFY lines itself.
#
# Environment:
#   DB_HOST, DB_READER_HOST, DB_PORT, DB_NAME, DB_APP_USER   from the ConfigMap (reader host optional)
#   PROBE_CA_FILE        CA bundle for sslmode=verify-full (the RDS bundle in the cluster)
#   PROBE_RUN_ID         unique id of this verify run (names the probe's table)
#   PROBE_MODE           cycle (default) | drill
#   PROBE_TOKEN_DIR      if set, the password for host H is read from $PROBE_TOKEN_DIR/H before every
#                        connection (IAM auth tokens written by the token sidecar); else PGPASSWORD
#   PROBE_READER_PORT    reader port (default DB_PORT; differs only in tests)
#   PROBE_DRILL_SECONDS  drill: longest run (default 600)
#   PROBE_DRILL_SETTLE   drill: stop this many seconds after writes recovered from an outage (default 60)
#   PROBE_DRILL_INTERVAL drill: pause between writes in seconds (default 0.2)
#   PROBE_READER_WAIT    seconds to wait for the row to appear on the reader (default 15)
set -u

MODE=${PROBE_MODE:-cycle}
PORT=${DB_PORT:-5432}
READER_PORT=${PROBE_READER_PORT:-$PORT}
RUN_ID=$(printf '%s' "${PROBE_RUN_ID:?PROBE_RUN_ID is required}" | tr -c 'a-z0-9_' '_' | cut -c1-40)
TABLE="cdn_verify_${RUN_ID}"
CA=${PROBE_CA_FILE:?PROBE_CA_FILE is required}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sql-probe.XXXXXX") || exit 2
CREATED=0

say() { printf 'VERIFY %s\n' "$*"; }
note() { printf '%s sql-probe: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
# Seconds since boot with centiseconds (Linux), else whole seconds since the epoch.
now() { if [ -r /proc/uptime ]; then read -r up _ </proc/uptime && printf '%s' "$up"; else date +%s; fi; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
oneline() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-300; }

# sql HOST PORT SSLMODE STATEMENT: one connection, one statement, unaligned tuples on stdout.
sql() {
  host=$1 port=$2 mode=$3
  shift 3
  if [ -n "${PROBE_TOKEN_DIR:-}" ]; then
    PGPASSWORD=$(cat "$PROBE_TOKEN_DIR/$host" 2>/dev/null) || PGPASSWORD=
    export PGPASSWORD
  fi
  # A statement must not hang on a half-open connection during a failover.
  PGOPTIONS='-c statement_timeout=5000' ${PROBE_TIMEOUT_CMD:-timeout 15} psql -X -q -A -t -v ON_ERROR_STOP=1 \
    "host=$host port=$port dbname=$DB_NAME user=$DB_APP_USER sslmode=$mode sslrootcert=$CA connect_timeout=3 application_name=cdn-verify" \
    -c "$*" 2>&1
}
writer() { sql "$DB_HOST" "$PORT" verify-full "$@"; }

cleanup() {
  if [ "$CREATED" = 1 ]; then
    if out=$(writer "DROP TABLE IF EXISTS $TABLE"); then say "dropped=ok"; else say "dropped=fail error=$(printf '%s' "$out" | oneline)"; fi
    CREATED=0
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'note "terminated"; exit 143' TERM INT

fail() { say "result=fail reason=$(printf '%s' "$*" | oneline)"; exit 1; }

# --- connect to the writer with verified TLS ----------------------------------------------------
note "writer $DB_HOST:$PORT database $DB_NAME as $DB_APP_USER (sslmode=verify-full)"
info=$(writer "SELECT current_database(), current_user, pg_is_in_recovery(), s.ssl, s.version, coalesce(host(inet_server_addr()), 'local')
  FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()") || fail "writer connection: $info"
IFS='|' read -r db user recovery ssl tls addr <<EOF
$info
EOF
say "writer.database=$db"
say "writer.user=$user"
say "writer.recovery=$recovery"
say "writer.ssl=$ssl"
say "writer.tls=$tls"
say "writer.address=$addr"

# --- the probe's own table -----------------------------------------------------------------------
out=$(writer "CREATE TABLE $TABLE (seq integer PRIMARY KEY, note text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())") \
  || fail "create table $TABLE: $out"
CREATED=1
say "table=$TABLE"
say "created=ok"

if [ "$MODE" = cycle ]; then
  out=$(writer "INSERT INTO $TABLE (seq, note) VALUES (1, '$RUN_ID') RETURNING seq") || fail "insert: $out"
  say "inserted=$out"
  out=$(writer "SELECT note FROM $TABLE WHERE seq = 1") || fail "read back: $out"
  say "readback=$out"
  [ "$out" = "$RUN_ID" ] || fail "read back returned '$out', expected '$RUN_ID'"

  if [ -n "${DB_READER_HOST:-}" ]; then
    note "reader $DB_READER_HOST:$READER_PORT"
    deadline=$(awk -v a="$(now)" -v w="${PROBE_READER_WAIT:-15}" 'BEGIN { printf "%.2f", a + w }')
    while :; do
      if r=$(sql "$DB_READER_HOST" "$READER_PORT" verify-full "SELECT pg_is_in_recovery(), coalesce(host(inet_server_addr()), 'local'), (SELECT s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()), (SELECT note FROM $TABLE WHERE seq = 1)"); then
        IFS='|' read -r rrec raddr rssl rnote <<EOF
$r
EOF
        [ "$rnote" = "$RUN_ID" ] && break
        r="row not replicated yet"
      fi
      if ge "$(now)" "$deadline"; then say "reader.error=$(printf '%s' "$r" | oneline)"; fail "reader: $r"; fi
      sleep 1
    done
    say "reader.recovery=$rrec"
    say "reader.address=$raddr"
    say "reader.ssl=$rssl"
    say "reader.readback=$rnote"
    # A readable standby must refuse writes.
    if w=$(sql "$DB_READER_HOST" "$READER_PORT" verify-full "INSERT INTO $TABLE (seq, note) VALUES (2, 'reader')"); then
      say "reader.write=accepted"
    else
      say "reader.write=refused error=$(printf '%s' "$w" | oneline)"
    fi
  fi
  cleanup
  say "result=ok"
  exit 0
fi

[ "$MODE" = drill ] || fail "unknown PROBE_MODE $MODE"

# --- failover drill: numbered inserts until writes recovered from an outage and stayed up ---------
MAX=${PROBE_DRILL_SECONDS:-600}
SETTLE=${PROBE_DRILL_SETTLE:-60}
INTERVAL=${PROBE_DRILL_INTERVAL:-0.2}
ACKED="$WORK/acked"
: >"$ACKED"
start=$(now)
seq=0 acked=0 errors=0 outages=0 down=0 ready=0 recovered_at= first_fail= last_ok= last_addr=
max_gap=0 reconnect=0 last_error=
note "drill: writing every ${INTERVAL}s for at most ${MAX}s"
while :; do
  t=$(now)
  ge "$(sub "$t" "$start")" "$MAX" && break
  seq=$((seq + 1))
  if out=$(writer "INSERT INTO $TABLE (seq, note) VALUES ($seq, 'drill') RETURNING seq || ' ' || coalesce(host(inet_server_addr()), 'local')") \
    && [ "${out%% *}" = "$seq" ]; then
    t=$(now)
    echo "$seq" >>"$ACKED"
    acked=$((acked + 1))
    addr=${out#* }
    if [ -n "$last_addr" ] && [ "$addr" != "$last_addr" ]; then say "drill.writer-changed=$last_addr->$addr"; fi
    last_addr=$addr
    if [ -n "$last_ok" ]; then
      gap=$(sub "$t" "$last_ok")
      ge "$gap" "$max_gap" && max_gap=$gap
    fi
    if [ "$down" = 1 ]; then
      down=0
      r=$(sub "$t" "$first_fail")
      ge "$r" "$reconnect" && reconnect=$r
      recovered_at=$t
      say "drill.recovered-after=$r"
    fi
    last_ok=$t
    if [ "$ready" = 0 ] && [ "$acked" -ge 5 ]; then ready=1; say "drill.ready=1"; fi
    [ -n "$recovered_at" ] && ge "$(sub "$t" "$recovered_at")" "$SETTLE" && break
  else
    errors=$((errors + 1))
    last_error=$(printf '%s' "$out" | oneline)
    if [ "$down" = 0 ]; then
      down=1 first_fail=$t outages=$((outages + 1))
      say "drill.outage-started-at-seq=$seq error=$last_error"
    fi
  fi
  sleep "$INTERVAL"
done
say "drill.attempts=$seq"
say "drill.acked=$acked"
say "drill.errors=$errors"
say "drill.outages=$outages"
say "drill.max-write-gap=$max_gap"
say "drill.reconnect=$reconnect"
say "drill.still-down=$down"
[ -n "$last_error" ] && say "drill.last-error=$last_error"

# Every acknowledged insert must still be there (retry the read while the writer settles).
i=0
until present=$(writer "SELECT seq FROM $TABLE ORDER BY seq"); do
  i=$((i + 1))
  [ "$i" -ge 30 ] && fail "drill: cannot read the table back: $present"
  sleep 2
done
printf '%s\n' "$present" | sed '/^$/d' | sort -n >"$WORK/present"
sort -n "$ACKED" >"$WORK/acked.sorted"
lost=$(awk 'NR == FNR { have[$1] = 1; next } !($1 in have) { n++; ids = ids (n <= 20 ? " " $1 : "") } END { printf "%d%s", n, (n ? " ids:" ids : "") }' "$WORK/present" "$WORK/acked.sorted")
say "drill.present=$(wc -l <"$WORK/present" | tr -d ' ')"
say "drill.lost=$lost"
cleanup
if [ "$down" = 1 ]; then say "result=fail reason=writes had not recovered when the drill ended"; exit 1; fi
case $lost in 0) say "result=ok" ;; *) say "result=fail reason=acknowledged writes lost"; exit 1 ;; esac
