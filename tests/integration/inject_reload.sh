# SPDX-License-Identifier: GPL-2.0-or-later
# gp_vm_reload_guest_plugins, after a revert in the running QEMU: every guest
# plugin the host plugins loaded runs again in the reverted guest, under a
# newly injected guest_daemon; one running at the revert is lost first; a
# host plugin's end of the analysis ends only its round.
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
"$ROOT/$BUILD/tests/integration/vm_api" reload-after-revert \
    "$ROOT/$BUILD/guest/x86_64/tests" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "vm_api failed"; }
cat "$WORK/out"
[ "$(grep -c 'inject_test: c_example sent u32' "$WORK/out")" -eq 2 ] ||
    fail "c_example did not run once before and once after the revert"
[ "$(grep -c 'inject_test: sleeper started' "$WORK/out")" -eq 2 ] ||
    fail "sleeper did not run once before and once after the revert"
[ "$(grep -c 'inject_test: sleeper lost: the guest was reverted' "$WORK/out")" -eq 1 ] ||
    fail "sleeper, running at the revert, was not reported lost once"
[ "$(grep -c 'inject_test: sleeper exited: status 0' "$WORK/out")" -eq 1 ] ||
    fail "the second sleeper's exit was not reported"
[ "$(grep -c 'Guest `/etc` file count' "$WORK/out")" -eq 2 ] ||
    fail "guest_plugin_example's c_example did not report twice"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/out")" -eq 4 ] ||
    fail "guest_daemon was not injected again after each revert"
