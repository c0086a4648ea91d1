# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile guest, host resources (issue 8): an unprivileged process
# (tests/guest/hostile_channels, dropping to uid 65534) tries to make QEMU
# spend memory, channels and log lines without bound, with the core at its
# most open (channels=open, so that named channels are the attacker's to
# flood, as PANDA had them) and queue_limit=16M. QEMU's VmRSS is read from
# inside QEMU (the hostile_target host plugin's "rss" command, from a root
# program given its control channel by token) before and after each flood.
#  - 17 M manager requests left unread (before: +1.57 GB of replies): the
#    replies stop at the manager's bound, RSS grows by a few MiB at most;
#  - 3 M empty messages echoed back and left unread (before: +234 MB while
#    the queue counted 0 bytes): the queue stops at 16M with the overhead
#    counted, RSS grows by less than that plus a few MiB;
#  - GET_MANAGER in one process, then in many, until refused: each gets its
#    share, the guest as a whole its share, with a log line that names the
#    setting; a host plugin then still loads a guest plugin;
#  - 20 000 of each guest-triggered log line (ERROR, failed lookups and
#    claims, manager debug output, unknown and short manager messages,
#    before: 85 MB in 0.16 s): the log between the marks stays within the
#    guest log budget, and says how many lines it suppressed;
#  - (Python front) channels the guest made are reclaimed at a revert: a
#    guest whose share was used up gets channels again after loadvm.
# Prints the figures as "hostile_floods: NAME VALUE unit".
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests
token=$(new_token)
probe="GUESTPLUG_TOKEN=$token /tmp/trigger hostile_target"
MiB=1024 # in kB, as VmRSS is

status=0
SECONDS=0
"$GUESTPLUG" run -g "$ARCH" --core channels=open --core queue_limit=16M \
    -p "hostile_target:dir=$tests_dir,token=$token" -t 600 \
    --copy "$tests_dir/hostile_channels:/tmp/hostile_channels" \
    --copy "$tests_dir/trigger:/tmp/trigger" \
    -c 'chmod 755 /tmp/hostile_channels /tmp/trigger' \
    -c "$probe 'rss start'" \
    -c '/tmp/hostile_channels flood-manager 17000000 hostile_echo' \
    -c "$probe 'rss after-manager'" \
    -c '/tmp/hostile_channels flood-echo 3000000 0' \
    -c "$probe 'rss after-empty'" \
    -c '/tmp/hostile_channels exhaust-channels' \
    -c "$probe 'rss after-channels'" \
    -c "$probe 'load c_example'" -c 'for i in $(seq 50); do sleep 0.2; done' \
    -c "$probe 'rss log-start'" \
    -c '/tmp/hostile_channels flood-log 20000' \
    -c "$probe 'rss log-end'" \
    >"$WORK/out" 2>"$WORK/err" || status=$?
elapsed=$SECONDS
cat "$WORK/out"
grep -v -e "a claim with a token" -e "failed to find channel" -e "guest error" \
    -e "guest debug" -e "manager channel" "$WORK/err" || true
[ "$status" -eq 0 ] || fail "guestplug exited $status (a guest command failed?)"
! grep -q '^FAIL' "$WORK/out" || fail "a check in the guest failed"
echo "hostile_floods: run took $elapsed s"

rss() { # LABEL: VmRSS in kB at that mark
    sed -n "s/^hostile_target: rss $1 \([0-9]*\) kB.*/\1/p" "$WORK/out"
}
start=$(rss start) manager=$(rss after-manager) empty=$(rss after-empty)
channels=$(rss after-channels)
[ -n "$start" ] && [ -n "$manager" ] && [ -n "$empty" ] && [ -n "$channels" ] ||
    fail "an RSS mark is missing"
figure() { echo "hostile_floods: $1 $(($2 / 1024)).$(($2 % 1024 * 10 / 1024)) MiB"; }
figure rss_start_mib "$start"
figure rss_growth_manager_flood_mib $((manager - start))
figure rss_growth_empty_flood_mib $((empty - manager))
figure rss_growth_channel_exhaustion_mib $((channels - empty))
# The manager's replies: a few KiB at most; the guest's own pages (the
# flooding program, its page tables) and the heap's slack: a few MiB.
[ $((manager - start)) -le $((8 * MiB)) ] || fail "17 M manager requests grew RSS by $((manager - start)) kB"
expect_contains "$WORK/out" "ok   flood-manager: 17000000 of 17000000 requests on one manager channel, left unread, queued 60 replies"
# The echo queue: at most queue_limit (16M) counted with its overheads.
[ $((empty - manager)) -le $((16 * MiB + 8 * MiB)) ] ||
    fail "3 M empty messages grew RSS by $((empty - manager)) kB, above queue_limit=16M + 8 MiB"
expect_contains "$WORK/out" "ok   flood-echo: 3000000 WRITEs of 0 bytes to an echo, left unread"
grep -q "echo failures so far: [1-9]" "$WORK/out" || fail "the echo queue was never full"
# Channels: the process's share (64), the guest's (1024 of 4096), a few MiB.
# (The flood-manager process made one channel before. If the kernel gave
# its page directory to the exhauster, that one counts against its share.)
grep -qE "^ok   exhaust: one process gets 6[34] channels, then -4" "$WORK/out" ||
    fail "a process's share is not 64"
expect_contains "$WORK/out" "exhaust: total 1023"
expect_contains "$WORK/err" "GET_MANAGER refused: address space"
expect_contains "$WORK/err" "(guest_channels_per_process=64)"
expect_contains "$WORK/err" "(guest_channels=1024; the rest of max_channels=4096 is the host's)"
[ $((channels - empty)) -le $((8 * MiB)) ] || fail "1024 channels grew RSS by $((channels - empty)) kB"
# ... and the host still loads a guest plugin.
expect_contains "$WORK/out" "hostile_target: c_example started"
grep -q "hostile_target: c_example sent u32 [1-9]" "$WORK/out" || fail "c_example did not run"
expect_contains "$WORK/out" "hostile_target: c_example exited: status 0"
! grep -q "a channel of that name already exists" "$WORK/err" || fail "the misleading error is back"

# The log between the marks: within the guest's budget of 64 KiB and
# 16 KiB a second, and the suppressed lines counted.
log_bytes=$(sed -n '/^hostile_target: mark log-start$/,/^hostile_target: mark log-end$/p' "$WORK/err" | wc -c)
log_lines=$(sed -n '/^hostile_target: mark log-start$/,/^hostile_target: mark log-end$/p' "$WORK/err" | wc -l)
echo "hostile_floods: log_bytes_under_flood $log_bytes bytes ($log_lines lines for 140000 guest-triggered)"
[ "$log_bytes" -gt 1000 ] || fail "the flood logged nothing at all (log_bytes $log_bytes)"
[ "$log_bytes" -le $((256 * 1024)) ] || fail "the log flood wrote $log_bytes bytes"
grep -q "suppressed [0-9]* lines of guest errors (ERROR op) from address space" "$WORK/err" ||
    fail "no count of suppressed lines"
expect_contains "$WORK/out" "flood-log: 20000 of each of 7 guest-triggered log lines sent"

# A revert reclaims the guest's channels.
export PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so
cat >"$WORK/revert.py" <<PY
from guestplug import Panda

panda = Panda(generic="$ARCH")
panda.set_core_arg("guest_channels", "32")
panda.set_core_arg("guest_channels_per_process", "8")
panda.load_plugin("hostile_target", {"token": "$token"})

@panda.queue_blocking
def exhaust_then_revert():
    panda.revert_sync("root")
    panda.copy_to_guest("$tests_dir/hostile_channels", "/tmp/hostile_channels")
    print(panda.run_serial_cmd("/tmp/hostile_channels exhaust-channels"))
    print(panda.run_serial_cmd("/tmp/hostile_channels get-manager; echo before revert: \$?"))
    panda.revert_sync("root")
    panda.copy_to_guest("$tests_dir/hostile_channels", "/tmp/hostile_channels")
    print(panda.run_serial_cmd("/tmp/hostile_channels get-manager; echo after revert: \$?"))
    panda.end_analysis()

panda.run()
PY
timeout 300 python3 "$WORK/revert.py" >"$WORK/revert" 2>&1 || fail "the Python run failed: $(cat "$WORK/revert")"
grep -v -e "GET_MANAGER refused" "$WORK/revert"
expect_contains "$WORK/revert" "exhaust: total 32"
expect_contains "$WORK/revert" "before revert: 1"
expect_contains "$WORK/revert" "guestplug: snapshot revert: reclaimed 32 channels the guest had made"
expect_contains "$WORK/revert" "ok   get-manager: GET_MANAGER gives a channel"
expect_contains "$WORK/revert" "after revert: 0"
echo "hostile_floods: every flood bounded, the host's room kept, the guest's channels reclaimed"
