# SPDX-License-Identifier: GPL-2.0-or-later
# No QEMU, socket or temp dir outlives the runner: on SIGINT (status 130)
# and SIGTERM (143), each with a clean QEMU shutdown (the host plugins'
# uninit runs); when QEMU itself dies (the runner then names the cause); and
# after a SIGKILLed runner, whose run directory the next run removes.
source "$(dirname "$0")/lib.bash"
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

qemu_children() { pgrep -f -- "$TMPDIR/guestplug-" || true; }

wait_for_qemu() {
    for _ in $(seq 1 600); do
        [ -n "$(qemu_children)" ] && ls "$TMPDIR"/guestplug-*/serial.sock >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    fail "QEMU did not start"
}

check_clean() { # WHAT
    for _ in $(seq 1 50); do
        [ -z "$(qemu_children)" ] && break
        sleep 0.1
    done
    [ -z "$(qemu_children)" ] || fail "$1: QEMU still running: $(qemu_children)"
    [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left behind: $(ls -A "$TMPDIR")"
}

# A script's background jobs start with SIGINT ignored, and the runner
# respects an ignored signal; restore the default as a terminal would have.
for signal in INT TERM; do
    env --default-signal=INT "$GUESTPLUG" run -g x86_64 -p hello -c 'sleep 600' \
        >"$WORK/out.$signal" 2>&1 &
    runner=$!
    wait_for_qemu
    sleep 1
    start=$SECONDS
    kill -s "$signal" "$runner"
    status=0
    wait "$runner" || status=$?
    want=$((128 + $(kill -l "$signal")))
    [ "$status" -eq "$want" ] || fail "runner exited $status after SIG$signal, want $want"
    expect_contains "$WORK/out.$signal" "goodbye from host plugin hello"
    [ $((SECONDS - start)) -lt 10 ] || fail "the runner took $((SECONDS - start)) s to die of SIG$signal"
    check_clean "SIG$signal"
done

# QEMU crashes under the runner.
"$GUESTPLUG" run -g x86_64 -c 'sleep 600' >"$WORK/out.crash" 2>&1 &
runner=$!
wait_for_qemu
sleep 1
pkill -KILL -f -- "$TMPDIR/guestplug-"
status=0
wait "$runner" || status=$?
cat "$WORK/out.crash"
[ "$status" -eq 1 ] || fail "runner exit status $status after QEMU died, want 1"
expect_contains "$WORK/out.crash" "QEMU was killed by signal 9"
check_clean "QEMU crash"

# A SIGKILLed runner cannot clean up: QEMU dies with it (PDEATHSIG), and the
# next run removes the run directory (and its 90 MB disk copy) it left.
"$GUESTPLUG" run -g x86_64 -c 'sleep 600' >"$WORK/out.kill" 2>&1 &
runner=$!
wait_for_qemu
kill -KILL "$runner"
wait "$runner" || true
for _ in $(seq 1 50); do
    [ -z "$(qemu_children)" ] && break
    sleep 0.1
done
ls -d "$TMPDIR"/guestplug-* >/dev/null 2>&1 || fail "SIGKILL: expected a left-over run directory"
"$GUESTPLUG" run -g x86_64 -c true >"$WORK/out.after" 2>&1 || { cat "$WORK/out.after"; fail "the run after SIGKILL failed"; }
check_clean "SIGKILL, then another run"
