# SPDX-License-Identifier: GPL-2.0-or-later
# The seed's try_it.py (tests/integration/seed/try_it.py: PANDA's script with
# only its import line changed) runs as written, from the checkout
# (PYTHONPATH=python) and from an installed prefix alone: exit status 0 and
# the /etc count the guest itself gives. Its second run_serial_cmd("cat",
# no_timeout=True) comes after the analysis has ended and must return at
# once; each run is bounded, so a wait that never ends fails the test.
source "$(dirname "$0")/lib.bash"
SEED=$ROOT/tests/integration/seed/try_it.py

# The file is the seed's, byte for byte apart from the import.
[ "$(head -n 1 "$SEED")" = "from guestplug import Panda" ] || fail "$SEED: wrong import line"
[ "$(wc -l <"$SEED")" -eq 13 ] || fail "$SEED: not the seed's 13 lines"
[ "$(sed -n 2,13p "$SEED" | sha256sum | cut -d' ' -f1)" = \
  "$(printf '%s\n' '' 'panda = Panda(generic="x86_64")' \
      'panda.load_plugin("guest_plugin_example")' '' '@panda.queue_blocking' \
      'def run_cmd():' '    panda.revert_sync("root")' \
      '    panda.run_serial_cmd("cat", no_timeout=True)' \
      '    panda.run_serial_cmd("cat", no_timeout=True)' '    panda.end_analysis()' '' \
      'panda.run()' | sha256sum | cut -d' ' -f1)" ] || fail "$SEED differs from the seed's script"

# Nothing from the test's own environment may help the script find its parts.
clean_env=(env -u GUESTPLUG_RUN_LIB -u GUESTPLUG_PLUGIN_PATH -u GUESTPLUG_CORE -u PYTHONPATH
           -u EXTRA_GUEST_PLUGINS_PATH -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL)
# From the checkout the front finds build/lib by itself; another BUILD is named.
checkout_lib=()
[ "$BUILD" = build ] || checkout_lib=(GUESTPLUG_RUN_LIB="$ROOT/$BUILD/lib/libguestplug-run.so")

# What the guest says its /etc holds, from the root snapshot c_example runs in.
cat >"$WORK/count.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")

@panda.queue_blocking
def count():
    panda.revert_sync("root")
    print("etc entries:", panda.run_serial_cmd("ls -A /etc | wc -l", timeout=60).strip())
    panda.end_analysis()

panda.run()
PY
(cd "$ROOT" && timeout 120 "${clean_env[@]}" "${checkout_lib[@]}" PYTHONPATH=python \
    python3 "$WORK/count.py") >"$WORK/count" 2>&1 || { cat "$WORK/count"; fail "count.py failed"; }
count=$(sed -n 's/^etc entries: //p' "$WORK/count")
[[ $count =~ ^[0-9]+$ ]] || { cat "$WORK/count"; fail "no /etc count from the guest"; }
LINE="Guest \`/etc\` file count: $count"

run_seed() { # NAME DIR ENV... : runs the seed script in DIR, checks status and line
    local name=$1 dir=$2 status=0 started=$SECONDS; shift 2
    (cd "$dir" && timeout 180 "${clean_env[@]}" "$@" python3 "$SEED") \
        >"$WORK/out-$name" 2>&1 || status=$?
    cat "$WORK/out-$name"
    echo "($name: exit status $status after $((SECONDS - started)) s)"
    [ "$status" -ne 124 ] || fail "$name: try_it.py did not finish within 180 s (a wait with no end?)"
    [ "$status" -eq 0 ] || fail "$name: try_it.py exited $status, want 0"
    grep -qxF "$LINE" "$WORK/out-$name" || fail "$name: no line '$LINE'"
}

run_seed checkout "$ROOT" "${checkout_lib[@]}" PYTHONPATH=python

# An installed prefix, with its build directory gone afterwards: the library,
# core, host plugin and guest plugin can only come from the prefix.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" -j2 BUILD="$WORK/build" PREFIX="$WORK/prefix" >"$WORK/make" 2>&1 &&
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" install BUILD="$WORK/build" PREFIX="$WORK/prefix" >>"$WORK/make" 2>&1 ||
    { tail -n 30 "$WORK/make"; fail "building and installing into $WORK/prefix failed"; }
rm -rf "$WORK/build"
[ -f "$WORK/prefix/lib/guestplug/python/guestplug/__init__.py" ] || fail "the Python front is not installed"
run_seed prefix "$WORK" PYTHONPATH="$WORK/prefix/lib/guestplug/python"
