# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz what the guest controls for a bounded time each (FUZZ_SECONDS,
# default 20): the hypercall dispatcher, the guest_daemon frame parser and
# the x86, arm and aarch64 page walks.
source "$(dirname "$0")/lib.bash"
seconds=${FUZZ_SECONDS:-20}
for target in fuzz_hypercall fuzz_daemon_report fuzz_x86_paging fuzz_aarch64_paging fuzz_arm_paging; do
    binary=$ROOT/$BUILD/fuzz/$target
    [ -x "$binary" ] || fail "$binary not built (is clang installed?)"
    mkdir -p "$WORK/$target"
    "$binary" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 -close_fd_mask=2 \
        -artifact_prefix="$WORK/" \
        "$WORK/$target" >"$WORK/$target.log" 2>&1 || { tail -n 40 "$WORK/$target.log"; fail "$target found a crash"; }
    grep -E 'stat::number_of_executed_units' "$WORK/$target.log"
done
