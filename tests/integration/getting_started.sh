# SPDX-License-Identifier: GPL-2.0-or-later
# docs/getting-started.md works as written: every ```sh block of it runs, in
# order, in one bash shell started in the checkout, with HOME in $WORK (so
# the tutorial's build, install PREFIX and plugins all land under $WORK; the
# per-user image and QEMU cache stays the real one, through XDG_CACHE_HOME).
# Both runs must print the host plugin's line. Then the build directory is
# deleted and the installed guestplug runs the plugins once more, so the core
# and the guest plugin can only come from the install PREFIX.
source "$(dirname "$0")/lib.bash"
DOC=$ROOT/docs/getting-started.md
LINE_RE='^my_host: my_hello says: Hello from pid [0-9]+, kernel [0-9][^ ]*$'

awk '/^```sh$/ { on = 1; print "# --- block " ++n; next }
     /^```/    { on = 0; next }
     on' "$DOC" >"$WORK/tutorial.sh"
blocks=$(grep -c '^# --- block ' "$WORK/tutorial.sh" || true)
[ "$blocks" -ge 5 ] || fail "only $blocks \`\`\`sh blocks found in $DOC"
# The doc shows the line the test looks for.
awk '/^```text$/ { on = 1; next } /^```/ { on = 0; next } on' "$DOC" >"$WORK/doc-output"
grep -qE "$LINE_RE" "$WORK/doc-output" || fail "$DOC shows no line matching $LINE_RE"

mkdir -p "$WORK/home"
cache=${XDG_CACHE_HOME:-$HOME/.cache}
clean_env=(env -u GUESTPLUG_PLUGIN_PATH -u EXTRA_GUEST_PLUGINS_PATH -u GUESTPLUG_CORE
           -u GUESTPLUG_DATA_DIR -u PKG_CONFIG_PATH -u BUILD -u MAKEFLAGS -u MFLAGS
           -u MAKELEVEL HOME="$WORK/home" XDG_CACHE_HOME="$cache")
tutorial=$WORK/home/guestplug-tutorial

status=0
(cd "$ROOT" && timeout 900 "${clean_env[@]}" bash -euo pipefail "$WORK/tutorial.sh") \
    >"$WORK/out" 2>&1 || status=$?
cat "$WORK/out"
[ "$status" -eq 0 ] || fail "the tutorial's commands failed (exit status $status)"
expect_contains "$WORK/out" "0.1.0"
runs=$(grep -cE "$LINE_RE" "$WORK/out" || true)
[ "$runs" -eq 2 ] || fail "$runs lines matching '$LINE_RE', want 2 (one per run)"

# Without the build directory, only the install is left.
rm -rf "$tutorial/build"
status=0
timeout 120 "${clean_env[@]}" GUESTPLUG_PLUGIN_PATH="$tutorial/my_host" \
    "$tutorial/prefix/bin/guestplug" run -g x86_64 -p my_host >"$WORK/installed" 2>&1 || status=$?
cat "$WORK/installed"
[ "$status" -eq 0 ] || fail "the installed guestplug failed without the build tree ($status)"
grep -qE "$LINE_RE" "$WORK/installed" || fail "no line matching '$LINE_RE' from the install alone"
