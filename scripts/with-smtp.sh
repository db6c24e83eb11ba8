#!/usr/bin/env bash
# Starts a real SMTP server (aiosmtpd, from PyPI, in a virtual environment under .build/) on a free
# loopback port, delivering into a temporary maildir; runs the given command with TEST_SMTP_PORT and
# TEST_SMTP_MAILDIR set; then stops it and removes the maildir, whatever the outcome.
#   scripts/with-smtp.sh swift test --skip-build --filter MailTests
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/smtp-venv
source scripts/python-venv.sh
python_venv "$venv" "import aiosmtpd" "aiosmtpd>=1.4,<2"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
maildir=$(mktemp -d /tmp/passerelle-maildir.XXXXXX)
mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur"
"$venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$maildir"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then break; fi
    sleep 0.2
done
echo "aiosmtpd listening on 127.0.0.1:$port, maildir $maildir"
TEST_SMTP_PORT=$port TEST_SMTP_MAILDIR=$maildir "$@"
