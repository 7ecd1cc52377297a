#!/bin/bash
# Network probe of `npm run verify` (docs/verify.md): resolves each target from inside the pod and
# tries a TCP connection. Targets come in PROBE_TARGETS, one per line: `name host port`. Prints
# `VERIFY net.<name>=open|closed|unresolved ip=<address> ...` (judged by tools/verify/checks/network.ts,
# which knows what must be open and what must not).
set -u
TIMEOUT=${PROBE_CONNECT_TIMEOUT:-5}
say() { printf 'VERIFY %s\n' "$*"; }

while read -r name host port; do
  [ -n "${name:-}" ] || continue
  ip=$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')
  if [ -z "$ip" ]; then
    say "net.$name=unresolved host=$host"
    continue
  fi
  timeout "$TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$ip" "$port" 2>/dev/null
  rc=$?
  if [ "$rc" = 0 ]; then
    say "net.$name=open ip=$ip port=$port host=$host"
  elif [ "$rc" = 124 ]; then
    say "net.$name=closed ip=$ip port=$port host=$host reason=timeout"
  else
    say "net.$name=closed ip=$ip port=$port host=$host reason=refused"
  fi
done <<EOF
${PROBE_TARGETS:-}
EOF
say "result=ok"
