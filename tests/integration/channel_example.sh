# SPDX-License-Identifier: GPL-2.0-or-later
# The in-tree channel example (plugins/channel_example + its guest plugin)
# runs as its header says, both ways: handed its channel by a token, and
# finding it by name under channels=open. Without either, the program finds
# no channel (its channel is not its own) and the host hears nothing.
source "$(dirname "$0")/lib.bash"
token=$(new_token)
"$GUESTPLUG" run -g x86_64 -p "channel_example:token=$token" \
    --copy "$ROOT/$BUILD/guest/x86_64/channel_example:/tmp/example" \
    -c "GUESTPLUG_TOKEN=$token /tmp/example" \
    -c '/tmp/example || echo "without the token: exit $?"' >"$WORK/out"
cat "$WORK/out"
expect_contains "$WORK/out" "host got 20 bytes: hello from the guest"
expect_contains "$WORK/out" "guest got: HELLO FROM THE GUEST"
expect_contains "$WORK/out" "host got 9 bytes: 2 + 2 = 4"
expect_contains "$WORK/out" "without the token: exit 1"
[ "$(grep -c "host got 20 bytes" "$WORK/out")" -eq 1 ] || fail "a program without the token was heard"

"$GUESTPLUG" run -g x86_64 --core channels=open -p channel_example \
    --copy "$ROOT/$BUILD/guest/x86_64/channel_example:/tmp/example" -c /tmp/example >"$WORK/open"
cat "$WORK/open"
expect_contains "$WORK/open" "host got 20 bytes: hello from the guest"
expect_contains "$WORK/open" "guest got: HELLO FROM THE GUEST"
expect_contains "$WORK/open" "host got 9 bytes: 2 + 2 = 4"
