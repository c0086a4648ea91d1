# SPDX-License-Identifier: GPL-2.0-or-later
# Injection into the serial shell itself (inject_comm=sh): the hijacked
# shell keeps running commands correctly, and it is left exactly as a shell
# that was never hijacked: same open fds, same mappings, no memfd. Only the
# daemon remains, in a session of its own.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins

# The shell's fds are listed into a file, not a pipe: while a pipeline is
# set up the shell itself briefly holds the pipe's fds, which ls would see.
probe=(-c 'echo one' -c 'ls -l /proc/$$/fd >/tmp/fds; sed "s/.*[0-9] //" /tmp/fds | sort'
       -c 'sed "s/ \+/ /g" /proc/$$/maps | cut -d" " -f2,6 | sort'
       -c 'grep -c -e memfd -e guest_daemon -e guestplug /proc/$$/maps || true'
       -c 'echo two; ls -A /etc | wc -l')

"$GUESTPLUG" run -g "$ARCH" "${probe[@]}" >"$WORK/plain" 2>&1
"$GUESTPLUG" run -g "$ARCH" --core inject_comm=sh -p inject_test:plugins=c_example \
    -c 'sleep 2' "${probe[@]}" -c 'ps -o pid,args | grep "[g]uest_daemon"' \
    >"$WORK/injected" 2>&1
cat "$WORK/injected"

expect_contains "$WORK/injected" "guestplug: guest_daemon is up"
expect_contains "$WORK/injected" "inject_test: c_example sent u32"
# The shell's own view, without host lines, the daemon's ps line and the
# empty output of `sleep 2`, must equal that of a shell never hijacked.
shell_view() { grep -v -e '^inject_test:' -e '^guestplug:' -e 'guest_daemon' -e '^$' "$1"; }
diff <(shell_view "$WORK/plain") <(shell_view "$WORK/injected") ||
    fail "the hijacked shell differs from a shell that was never hijacked"
grep -qE '^ *[0-9]+ .*guest_daemon' "$WORK/injected" || fail "no guest_daemon process in the guest"
