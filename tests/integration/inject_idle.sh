# SPDX-License-Identifier: GPL-2.0-or-later
# Idle guests (docs/injection.md): a guest saved while busy with a
# foreground command makes no system call once restored.
#   - A CPU-bound shell loop: a thread is taken over where it runs in user
#     mode, steered to a system call instruction of its own code, and the
#     loop ends with the right count, so no register of it was lost. (On
#     MIPS the injector may not know the loop's address space before its
#     first system call: it takes that one then.)
#   - A foreground sleep: no process runs in user mode at all; the run
#     fails with the message that says so, within inject_timeout.
# arches: all
source "$(dirname "$0")/lib.bash"
# tutorial_count does not end the analysis, so the -c command runs after it.
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
generic_as_own_guest "$ARCH" "$WORK/own.qcow2"
guest=("${own_guest[@]}")
expected=$("$GUESTPLUG" run -g "$ARCH" -c 'ls -A /etc | wc -l')

loop='i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo $i >/tmp/loop.out'
"$GUESTPLUG" snapshot save looping "${guest[@]}" --busy "$loop"
"$GUESTPLUG" run "${guest[@]}" --snapshot looping -p tutorial_count \
    --core verbose=on -t 300 -c 'cat /tmp/loop.out' >"$WORK/loop" 2>&1 ||
    { cat "$WORK/loop"; fail "the run from the looping snapshot failed"; }
grep -v ' returned ' "$WORK/loop"
case $ARCH in
    # Where the page tables are, the kernel shows at a TLB refill (and
    # mips64el's root at a context switch); a restored loop may cause
    # neither before it ends, and then the injector takes the loop's first
    # system call (docs/injection.md). Which comes first is the guest's
    # timing.
    mips*) grep -qE "outside a system call|its system call" "$WORK/loop" ||
        fail "the looping guest's thread was taken neither over nor at its system call" ;;
    *) expect_contains "$WORK/loop" "outside a system call" ;;
esac
expect_contains "$WORK/loop" "Guest \`/etc\` file count: $expected"
grep -qx 400000 "$WORK/loop" || fail "the shell loop did not end with its count: registers lost?"

"$GUESTPLUG" snapshot save sleeping "${guest[@]}" --busy 'sleep 600'
start=$SECONDS
status=0
"$GUESTPLUG" run "${guest[@]}" --snapshot sleeping -p guest_plugin_example \
    --core inject_timeout=8 >"$WORK/sleep" 2>&1 || status=$?
cat "$WORK/sleep"
[ "$status" -ne 0 ] || fail "a run whose guest plugin never started exited 0"
expect_contains "$WORK/sleep" "no guest process ran in user mode, every one is blocked in the kernel"
elapsed=$((SECONDS - start))
[ "$elapsed" -lt 60 ] || fail "the sleeping guest's run took $elapsed s with inject_timeout=8"
echo "sleeping guest: failed cleanly in $elapsed s"
