# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile guest, channels (issue 8): in the generic guest, a static
# program running as uid 65534 (tests/guest/hostile_channels, which drops
# to nobody itself) uses raw hypercalls on channels that were not given to
# it. Every attempt must get -1 (as for a channel that does not exist), and
# the targets must be intact, as other processes see them:
#  - before any guest_daemon runs, it spoofs the daemon's HELLO (pid 4242)
#    and its STARTED/FAILED/EXITED/PONG reports: the host still injects a
#    daemon, which loads the victim plugin;
#  - while the victim runs with 100 secrets queued for it, the attacker
#    looks every channel up by name (directly and through the manager),
#    reads and writes every id there is (forging the victim's "result"),
#    forges the daemon's reports about it, guesses tokens, and looks for
#    tokens in /proc; the victim then reads all 100 secrets, whole and in
#    order, its forked child claims the channel again by itself, and the
#    host prints only the victim's own result and one exit, status 0;
#  - it reads channel 0 in a loop while c_example's ELF is streamed there:
#    every READ gets -1, and c_example runs (its ELF arrived whole);
#  - a root program given the host plugin's control channel by token has
#    50 secrets queued there, and reads them all back after the attack.
# The daemon's environment no longer shows its token; the victim's shows
# its own.
# arches: ci
source "$(dirname "$0")/lib.bash"
arch=$ARCH
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$arch/tests
[ -x "$tests_dir/hostile_channels" ] || fail "$tests_dir/hostile_channels not built"
token=$(new_token)
trigger="GUESTPLUG_TOKEN=$token /tmp/trigger hostile_target"
stash="GUESTPLUG_TOKEN=$token /tmp/hostile_channels read-stash 50 /tmp/stash-go"
wait_for() { echo "for i in \$(seq 150); do $1 && break; sleep 0.2; done"; }

commands=(-c 'chmod 755 /tmp/hostile_channels /tmp/trigger')
    commands+=(
        -c '/tmp/hostile_channels before-daemon'
        -c "$trigger 'load victim'"
        -c "$(wait_for 'pidof victim >/dev/null'); sleep 2"
        -c 'echo "victim env: $(tr "\0" "\n" </proc/$(pidof victim)/environ | grep "^GUESTPLUG" | sort | tr "\n" " ")"'
        -c 'echo "daemon env: [$(tr "\0" "\n" </proc/$(pidof guest_daemon)/environ | grep "^GUESTPLUG_TOKEN")]"'
        -c "$stash >/tmp/stash.out 2>&1 & $(wait_for 'grep -q waiting /tmp/stash.out')"
        -c '/tmp/hostile_channels attack'
        -c "/tmp/hostile_channels steal-daemon 6 & thief=\$!; sleep 1; $trigger 'load c_example'; wait \$thief"
        -c 'sleep 2'
        -c "touch /tmp/victim-go /tmp/stash-go; $(wait_for '! pidof victim >/dev/null'); wait; cat /tmp/stash.out"
    )

status=0
"$GUESTPLUG" run -g "$arch" -p "hostile_target:dir=$tests_dir,token=$token" -t 120 \
    --copy "$tests_dir/hostile_channels:/tmp/hostile_channels" \
    --copy "$tests_dir/trigger:/tmp/trigger" "${commands[@]}" \
    >"$WORK/out" 2>"$WORK/err" || status=$?
cat "$WORK/out" "$WORK/err"
[ "$status" -eq 0 ] || fail "guestplug exited $status (a guest command failed?)"

# The attacker's own account: every attack refused.
! grep -q '^FAIL' "$WORK/out" || fail "a check in the guest failed"
grep -q '^hostile_channels: [0-9]* passed, 0 failed' "$WORK/out" || fail "no attacker summary"
! grep -q 'hostile_channels: [0-9]* passed, [1-9]' "$WORK/out" || fail "an attack worked"
expect_contains "$WORK/out" "ok   nobody: running as uid 65534, gid 65534"
expect_contains "$WORK/out" 'GET_CHANNEL_BY_NAME "hostile_target" -> -1'
expect_contains "$WORK/out" 'the manager'"'"'s GET_CHANNEL_FROM_NAME "hostile_target" -> no reply'
expect_contains "$WORK/out" "ok   ids: READ of 302 channel ids not its own -> -1 each"
expect_contains "$WORK/out" "ok   ids: WRITE of a forged result to 302 channel ids -> -1 each"
expect_contains "$WORK/out" "ok   guess: 2000 random tokens -> -1 each"
# Each attacker gives its manager channel back, so the next one, which may
# get its page directory, does not start owning it (docs/security.md).
for case in spoof-daemon proc; do
    expect_contains "$WORK/out" "ok   $case: RELEASE of its manager channel -> 0"
    expect_contains "$WORK/out" "ok   $case: READ of the channel it gave back -> -1"
done
# The host channel's data, as its owner reads it after the attack.
expect_contains "$WORK/out" "hostile_target: queued 50 secrets on channel"
expect_contains "$WORK/out" "ok   stash: 50 of 50 secrets read back whole and in order"
expect_contains "$WORK/out" "ok   stash: nothing else queued"
! grep -q "hostile_target: .*forged by the attacker" "$WORK/out" ||
    fail "a forged message reached the host"

for case in spoof-daemon forge; do
    expect_contains "$WORK/out" "ok   $case: 320 forged HELLO (pid 4242), STARTED, FAILED, EXITED, PONG frames for \"victim\" on channel 0 -> -1 each"
    expect_contains "$WORK/out" "ok   $case: READ of channel 0 -> -1"
done
expect_contains "$WORK/out" 'ok   find: GET_CHANNEL_BY_NAME "victim" -> -1'
expect_contains "$WORK/out" 'ok   find: GET_CHANNEL_BY_NAME "guest_daemon" -> -1'
expect_contains "$WORK/out" "ok   proc: its /proc/PID/environ cannot be opened (EACCES)"
expect_contains "$WORK/out" "ok   proc: it cannot be ptraced (EPERM)"
grep -q "ok   proc: no token in the /proc/PID/cmdline of [0-9]* processes" "$WORK/out" ||
    fail "no /proc/PID/cmdline check"
grep -q "ok   steal-daemon: [0-9]* READs of channel 0 while a plugin loads -> -1 each" \
    "$WORK/out" || fail "no channel 0 check"
# The spoofed HELLO did not count: the host injected the real daemon.
! grep -q "guest_daemon is up (pid 4242)" "$WORK/err" || fail "the spoofed HELLO counted"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/err")" -eq 1 ] ||
    fail "not exactly one daemon came up"
expect_contains "$WORK/err" "guestplug: guest_daemon injected"
# The victim's view: everything it was sent, nothing it was not; and the
# host's: its real result, one start, one exit, nothing forged.
expect_contains "$WORK/out" "hostile_target: victim sent 'ready'"
expect_contains "$WORK/out" "hostile_target: queued 100 secrets on channel"
expect_contains "$WORK/out" "hostile_target: victim sent 'child writes'"
expect_contains "$WORK/out" "hostile_target: victim sent 'result: 100 of 100 secrets intact and in order, 0 wrong, nothing more queued, child ok, token in the environment'"
[ "$(grep -c 'hostile_target: victim sent' "$WORK/out")" -eq 3 ] ||
    fail "the host heard more from the victim than it sent"
[ "$(grep -c 'hostile_target: victim started' "$WORK/out")" -eq 1 ] || fail "forged STARTED"
[ "$(grep -c 'hostile_target: victim exited' "$WORK/out")" -eq 1 ] || fail "forged EXITED"
expect_contains "$WORK/out" "hostile_target: victim exited: status 0"
! grep -q "hostile_target: victim failed" "$WORK/out" || fail "forged FAILED"
# c_example's ELF went through channel 0 under attack, whole.
expect_contains "$WORK/out" "hostile_target: c_example started"
grep -q "hostile_target: c_example sent u32 [1-9]" "$WORK/out" || fail "c_example did not run"
expect_contains "$WORK/out" "hostile_target: c_example exited: status 0"
# Tokens: the victim has its own, and only that; the daemon wiped its own.
grep -qE "^victim env: GUESTPLUG_CHANNEL=victim GUESTPLUG_TOKEN=[0-9a-f]{32} $" "$WORK/out" ||
    fail "the victim's environment is not its channel and its token"
expect_contains "$WORK/out" "daemon env: [GUESTPLUG_TOKEN=]"
echo "hostile_channels ($arch): every attack refused, every target intact"
