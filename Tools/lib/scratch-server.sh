# Sourced by the benchmarks: a release build (unless ATRIUM_BIN is set) serving on a free loopback
# port, on a scratch PostgreSQL; both are stopped and removed when the script exits.
# Sets ATRIUM_BIN, DATABASE_URL, ATRIUM_ACCESS_KEY, port and work. ATRIUM_SERVE_ARGS, if set, is
# added to `atrium serve` (for instance "--event-loops 2", to compare settings).
if [ -z "${ATRIUM_BIN:-}" ]; then
  swift build -c release --product atrium
  ATRIUM_BIN=$PWD/.build/release/atrium
fi

work=$(mktemp -d /tmp/atrium-bench.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  Tools/postgres stop "$work/postgres" || true
  rm -rf "$work"
}
trap cleanup EXIT

eval "$(Tools/postgres start "$work/postgres")"
export ATRIUM_ACCESS_KEY=$(head -c 32 /dev/urandom | base64)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086  # ATRIUM_SERVE_ARGS is split into its words on purpose
LOG_LEVEL=warning "$ATRIUM_BIN" serve --port "$port" --data-dir "$work/data" ${ATRIUM_SERVE_ARGS:-} > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done

