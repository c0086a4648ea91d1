# SPDX-License-Identifier: GPL-2.0-or-later
# Systemd services on the debian image (docs/injection.md):
#   - dbus-daemon (a service without a seccomp filter, running as
#     messagebus: inject_uid=any) is hijacked while it answers busctl; its
#     descriptors, mappings, thread count and signal masks, seen from the
#     shell before and after, are the same;
#   - systemd-journald runs under a seccomp filter (SystemCallFilter=), so
#     it is refused, said so in the failure, and goes on as the same
#     process, still logging.
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
debian=(-g x86_64 --userland debian)
# State of the process named $1, from another process.
probe() {
    echo "p=\$(pidof $1); echo pid \$p; ls -l /proc/\$p/fd | sed 's/.*[0-9] //' | sort;" \
         "sed 's/ \\+/ /g' /proc/\$p/maps | cut -d' ' -f1,2,6 | sort;" \
         "grep -e Threads -e SigBlk -e SigIgn -e SigCgt /proc/\$p/status"
}

"$GUESTPLUG" run "${debian[@]}" --core inject_comm=dbus-daemon --core inject_uid=any \
    --core verbose=on -p inject_test:plugins=c_example -c "$(probe dbus-daemon)" \
    -c 'busctl list >/dev/null; sleep 3' -c "$(probe dbus-daemon)" >"$WORK/dbus" 2>&1 ||
    { cat "$WORK/dbus"; fail "the run into dbus-daemon failed"; }
grep -v -e ' returned ' -e 'taking a thread' "$WORK/dbus" | grep -v '^[0-9a-f]*-[0-9a-f]* '
expect_contains "$WORK/dbus" "(dbus-daemon), address space"
expect_contains "$WORK/dbus" "inject_test: c_example sent u32"
# The two probes: everything between the first "pid" line and the busctl
# command's (empty) output, and after it.
awk '/^pid /{n++} n && !/^(guestplug|inject_test):/ {print > ("'"$WORK"'/state" n)}' "$WORK/dbus"
[ -s "$WORK/state1" ] && [ -s "$WORK/state2" ] || fail "no state of dbus-daemon"
diff <(grep -v '^$' "$WORK/state1") <(grep -v '^$' "$WORK/state2") ||
    fail "dbus-daemon differs after being hijacked"

status=0
"$GUESTPLUG" run "${debian[@]}" --core inject_comm=systemd-journal --core inject_timeout=10 \
    -p tutorial_count -c 'pidof systemd-journald' -c 'logger guestplug-was-here; sleep 2' \
    -c 'pidof systemd-journald; journalctl -q -n 20 | grep -c guestplug-was-here' \
    >"$WORK/journald" 2>&1 || status=$?
cat "$WORK/journald"
[ "$status" -eq 1 ] || fail "journald: exit status $status, want 1"
expect_contains "$WORK/journald" "sandboxed by a seccomp filter"
pids=$(grep -E '^[0-9]+$' "$WORK/journald" | head -n 2 | sort -u | wc -l)
[ "$pids" -eq 1 ] || fail "systemd-journald is not the same process after the run"
