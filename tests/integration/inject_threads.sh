# SPDX-License-Identifier: GPL-2.0-or-later
# A busy multi-threaded process is hijacked (inject_comm=threads) while its
# four threads make system calls and SIGALRM arrives every millisecond. It
# checks itself (tests/guest/threads): every result right, a value carried
# across system calls intact, and its descriptors, mappings, signal
# dispositions and mask the same at the end as at the start.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests

"$GUESTPLUG" run -g "$ARCH" --core inject_comm=threads --core verbose=on \
    -p inject_test:plugins=c_example --copy "$tests_dir/threads:/tmp/busy-threads" \
    -c '/tmp/busy-threads 12' >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "the run failed"; }
grep -v ' returned ' "$WORK/out"
expect_contains "$WORK/out" "inject: hijacked pid"
expect_contains "$WORK/out" "(threads)"
expect_contains "$WORK/out" "guestplug: guest_daemon is up"
expect_contains "$WORK/out" "inject_test: c_example sent u32"
expect_contains "$WORK/out" "threads: unchanged"
