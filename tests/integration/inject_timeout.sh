# SPDX-License-Identifier: GPL-2.0-or-later
# A filter that no process satisfies ends in a clean, bounded failure that
# names the filter: in the host log and in the load's event callback.
# arches: all
source "$(dirname "$0")/lib.bash"
start=$SECONDS
status=0
"$GUESTPLUG" run -g "$ARCH" -p guest_plugin_example --core inject_comm=no_such_process \
    --core inject_timeout=5 >"$WORK/out" 2>&1 || status=$?
elapsed=$((SECONDS - start))
cat "$WORK/out"
reason='injection timed out after 5 s, and no process took guest_daemon: '
reason+='1 not named "no_such_process" (inject_comm=no_such_process)'
expect_contains "$WORK/out" "guestplug: could not start guest_daemon: $reason"
expect_contains "$WORK/out" "guest_plugin_example: c_example failed: $reason"
[ "$elapsed" -lt 20 ] || fail "took $elapsed s for a 5 s timeout"
# The example ends the analysis with status 1 when its guest plugin fails.
[ "$status" -eq 1 ] || fail "exit status $status, want the host plugin's 1"
expect_contains "$WORK/out" "guestplug: a host plugin ended the analysis with status 1"
