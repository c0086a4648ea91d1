# SPDX-License-Identifier: GPL-2.0-or-later
# Channels end to end in the generic x86_64 guest, without any injector: a
# static guest program built with libguestplug-guest is copied in over the
# serial console and talks to the channel_test host plugin. It exchanges a
# string, a u32, 1 MiB in one message, 10 000 ordered messages, a host
# message larger than its buffer, an unknown channel name, and FILE * output.
# The program finds channel_test's four channels by name as PANDA's guest
# code does, so the core runs with channels=open (docs/security.md).
# arches: ci
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
program=$ROOT/$BUILD/guest/$ARCH/tests/channel_test
[ -x "$program" ] || fail "$program not built (is x86_64-linux-gnu-gcc installed?)"

status=0
"$GUESTPLUG" run -g "$ARCH" --core channels=open -p channel_test \
    --copy "$program:/tmp/channel_test" \
    -c '/tmp/channel_test' >"$WORK/out" 2>"$WORK/err" || status=$?
cat "$WORK/out" "$WORK/err"
[ "$status" -eq 0 ] || fail "guestplug exited $status"

# The guest's view.
expect_contains "$WORK/out" "PASSED: 0 failures"
! grep -q '^FAIL' "$WORK/out" || fail "a guest-side check failed"
# The host's view.
expect_contains "$WORK/out" "channel_test: control reply: seq ok 10000"
expect_contains "$WORK/out" "channel_test: print: fprintf 42 works"
expect_contains "$WORK/out" "channel_test: host-send 100000: 0"
expect_contains "$WORK/err" 'failed to find channel number for channel "no_such_channel"'
expect_contains "$WORK/err" "guest error (channel 0): channel_test guest says hi via gp_error"
expect_contains "$WORK/err" 'cannot create channel "echo": a channel of that name exists'
