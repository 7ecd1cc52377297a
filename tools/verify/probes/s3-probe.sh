#!/bin/bash
# S3 probe of `npm run verify` (docs/verify.md): runs in the AWS CLI image under the workload service
# account, so its credentials are the plane's workload role (EKS Pod Identity). BUNDLE_BUCKET and
# BUNDLE_BUCKET_REGION come from the workload ConfigMap.
#
#   PROBE_MODE=rw  put an object, read it back, compare SHA-256 checksums, delete it. With
#                  PROBE_HOLD_SECONDS > 0 the object stays until the pod is terminated (or the hold ends)
#                  so that regional probes can read it; it is deleted on SIGTERM.
#   PROBE_MODE=ro  read PROBE_KEY and compare with PROBE_EXPECT_SHA256; then try to write
#                  PROBE_DENIED_KEY, which must be denied.
# Prints `VERIFY key=value` lines (judged by tools/verify/checks/s3.ts).
set -u
MODE=${PROBE_MODE:?PROBE_MODE is required}
BUCKET=${BUNDLE_BUCKET:?BUNDLE_BUCKET is required}
REGION=${BUNDLE_BUCKET_REGION:?BUNDLE_BUCKET_REGION is required}
KEY=${PROBE_KEY:?PROBE_KEY is required}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/s3-probe.XXXXXX") || exit 2
PUT=0
HOLD_PID=

say() { printf 'VERIFY %s\n' "$*"; }
note() { printf '%s s3-probe: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
oneline() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-300; }
s3api() { aws s3api "$@" --region "$REGION" --cli-connect-timeout 5 --cli-read-timeout 20 --output text 2>"$WORK/err"; }
err() { oneline <"$WORK/err"; }

cleanup() {
  [ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
  HOLD_PID=
  if [ "$PUT" = 1 ]; then
    if s3api delete-object --bucket "$BUCKET" --key "$KEY" >/dev/null; then say "deleted=ok"; else say "deleted=fail error=$(err)"; fi
    PUT=0
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'note "terminated"; exit 143' TERM INT
fail() { say "result=fail reason=$(printf '%s' "$*" | oneline)"; exit 1; }

if arn=$(aws sts get-caller-identity --query Arn --output text --region "$REGION" 2>"$WORK/err"); then
  say "identity=$arn"
else
  fail "no AWS identity: $(err)"
fi

if [ "$MODE" = rw ]; then
  { printf 'cdn-verify probe %s %s\n' "${PROBE_RUN_ID:-}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; head -c 512 /dev/urandom | od -An -tx1; } >"$WORK/payload"
  sum=$(sha256sum "$WORK/payload" | cut -d' ' -f1)
  note "put s3://$BUCKET/$KEY"
  s3api put-object --bucket "$BUCKET" --key "$KEY" --body "$WORK/payload" --checksum-algorithm SHA256 >/dev/null || fail "put-object: $(err)"
  PUT=1
  say "put=ok"
  say "sha256.put=$sum"
  s3api get-object --bucket "$BUCKET" --key "$KEY" "$WORK/back" >/dev/null || fail "get-object: $(err)"
  back=$(sha256sum "$WORK/back" | cut -d' ' -f1)
  say "get=ok"
  say "sha256.get=$back"
  [ "$back" = "$sum" ] || fail "checksum mismatch: put $sum, got $back"
  if [ "${PROBE_HOLD_SECONDS:-0}" -gt 0 ]; then
    say "hold=ready"
    note "holding s3://$BUCKET/$KEY for readers (until terminated, at most ${PROBE_HOLD_SECONDS}s)"
    sleep "$PROBE_HOLD_SECONDS" &
    HOLD_PID=$!
    wait "$HOLD_PID"
    HOLD_PID=
  fi
  cleanup
  say "result=ok"
  exit 0
fi

[ "$MODE" = ro ] || fail "unknown PROBE_MODE $MODE"
s3api get-object --bucket "$BUCKET" --key "$KEY" "$WORK/back" >/dev/null || fail "get-object: $(err)"
back=$(sha256sum "$WORK/back" | cut -d' ' -f1)
say "get=ok"
say "sha256.get=$back"
[ "$back" = "${PROBE_EXPECT_SHA256:-}" ] || fail "checksum mismatch: expected ${PROBE_EXPECT_SHA256:-?}, got $back"
DENIED=${PROBE_DENIED_KEY:?PROBE_DENIED_KEY is required}
echo "must be denied" >"$WORK/denied"
if s3api put-object --bucket "$BUCKET" --key "$DENIED" --body "$WORK/denied" >/dev/null; then
  say "write=allowed"
  # Never leave it behind (this may be denied too; the caller reports the key).
  if s3api delete-object --bucket "$BUCKET" --key "$DENIED" >/dev/null; then say "write-cleanup=ok"; else say "write-cleanup=fail error=$(err)"; fi
  fail "a read-only plane could write s3://$BUCKET/$DENIED"
fi
say "write=denied error=$(err)"
say "result=ok"
