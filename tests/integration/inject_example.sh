# SPDX-License-Identifier: GPL-2.0-or-later
# The README's main command: guest_plugin_example loads c_example into a
# guest with nothing preinstalled and prints the /etc count, which matches
# what `ls -A /etc | wc -l` says on the serial console. The seed's variant
# with `-c cat` works too.
# arches: ci
source "$(dirname "$0")/lib.bash"

expected=$("$GUESTPLUG" run -g "$ARCH" -c 'ls -A /etc | wc -l')
[[ $expected =~ ^[0-9]+$ ]] || fail "ls -A /etc | wc -l gave '$expected'"

start=$SECONDS
"$GUESTPLUG" run -g "$ARCH" -p guest_plugin_example >"$WORK/out" 2>"$WORK/err"
cat "$WORK/out" "$WORK/err"
expect_contains "$WORK/out" "Guest \`/etc\` file count: $expected"
echo "main command took $((SECONDS - start)) s"

"$GUESTPLUG" run -g "$ARCH" -p guest_plugin_example -c cat >"$WORK/cat" 2>&1
cat "$WORK/cat"
expect_contains "$WORK/cat" "Guest \`/etc\` file count: $expected"
