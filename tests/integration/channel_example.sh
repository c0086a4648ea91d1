# SPDX-License-Identifier: GPL-2.0-or-later
# The in-tree channel example (plugins/channel_example + its guest plugin)
# runs as its header says.
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" run -g x86_64 -p channel_example \
    --copy "$ROOT/$BUILD/guest/x86_64/channel_example:/tmp/example" -c /tmp/example >"$WORK/out"
cat "$WORK/out"
expect_contains "$WORK/out" "host got 20 bytes: hello from the guest"
expect_contains "$WORK/out" "guest got: HELLO FROM THE GUEST"
expect_contains "$WORK/out" "host got 9 bytes: 2 + 2 = 4"
