#!/usr/bin/env bash
# passerelle backup and restore on PostgreSQL (the SQLite path is tested by BackupTests): a copy
# taken, a change made after it, the copy put back — the change is gone and the journal verifies.
# Run it inside scripts/with-postgres.sh (which gives TEST_DATABASE_URL and the client tools):
#   scripts/with-postgres.sh scripts/backup-restore.sh .build/debug/passerelle
set -euo pipefail
binary=${1:-.build/debug/passerelle}
: "${TEST_DATABASE_URL:?run me inside scripts/with-postgres.sh}"
work=$(mktemp -d /tmp/passerelle-backup.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DATABASE_URL="$TEST_DATABASE_URL" LOG_LEVEL=error
people() { psql --quiet --tuples-only --no-align --command="SELECT COUNT(*) FROM people" "$TEST_DATABASE_URL"; }
fail() { echo "FAIL $*"; exit 1; }

"$binary" admin create --env production --email exploitation@transports.gouv.qc.ca --name "Équipe d'exploitation" > "$work/admin.log"
"$binary" backup "$work/copie.dump" > "$work/backup.log" || { cat "$work/backup.log"; fail "backup"; }
grep -q "Copie écrite" "$work/backup.log" || fail "backup did not report its copy"
"$binary" backup "$work/copie.dump" > /dev/null 2>&1 && fail "a second backup to the same path was accepted"
echo "ok   backup written ($(du -k "$work/copie.dump" | cut -f1) KiB), a second to the same path refused"

"$binary" admin create --env production --email apres@transports.gouv.qc.ca --name "Après la copie" > /dev/null
[ "$(people)" = "2" ] || fail "two people before the restore"
"$binary" restore "$work/copie.dump" > "$work/restore.log" 2>&1 || { cat "$work/restore.log"; fail "restore"; }
grep -q "journal d'audit intact" "$work/restore.log" || { cat "$work/restore.log"; fail "restore did not verify the journal"; }
[ "$(people)" = "1" ] || fail "the change made after the copy is still there"
"$binary" audit verify > /dev/null || fail "audit verify after the restore"
echo "ok   restored: the journal verifies and the change made after the copy is gone"
