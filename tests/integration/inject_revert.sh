# SPDX-License-Identifier: GPL-2.0-or-later
# Revert, then load again: the core notices the revert (the guest forgot the
# daemon), and a load requested from inside a channel callback re-injects.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
"$ROOT/$BUILD/tests/integration/vm_api" revert-reload \
    "$ROOT/$BUILD/guest/$ARCH/tests/trigger" >"$WORK/out" 2>&1
cat "$WORK/out"
[ "$(grep -c 'inject_test: c_example sent u32' "$WORK/out")" -eq 2 ] ||
    fail "c_example did not run once before and once after the revert"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/out")" -eq 2 ] ||
    fail "the daemon was not injected again after the revert"
