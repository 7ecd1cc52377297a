#!/bin/bash
# IAM token sidecar of the SQL probe (docs/verify.md): writes a fresh RDS IAM authentication token
# (valid 15 minutes) for each database host of the workload ConfigMap to $PROBE_TOKEN_DIR/<host>,
# every 5 minutes, with the pod's Pod Identity credentials. The probe reads the file before every
# connection, so a long failover drill never uses an expired token.
set -u
hosts="$DB_HOST ${DB_READER_HOST:-}"
while :; do
  for h in $hosts; do
    if aws rds generate-db-auth-token --hostname "$h" --port "$DB_PORT" --region "$AWS_REGION" \
      --username "${DB_APP_USER:?the workload ConfigMap has no DB_APP_USER}" >"$PROBE_TOKEN_DIR/.$h.tmp" 2>/tmp/iam-token.err; then
      mv "$PROBE_TOKEN_DIR/.$h.tmp" "$PROBE_TOKEN_DIR/$h"
      echo "$(date -u +%H:%M:%S) iam-token: token for $DB_APP_USER@$h"
    else
      echo "$(date -u +%H:%M:%S) iam-token: FAILED for $h: $(tr '\n' ' ' </tmp/iam-token.err)"
    fi
  done
  sleep 300 &
  wait $!
done
