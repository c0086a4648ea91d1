# SPDX-License-Identifier: GPL-2.0-or-later
"""guestplug's PANDA-style Python front.

A thin layer over libguestplug-run (include/guestplug/run.h) through ctypes,
standard library only, shaped like PANDA's pypanda so that its scripts carry
over with one changed import line (docs/python.md has the whole story):

    from guestplug import Panda

    panda = Panda(generic="x86_64")
    panda.load_plugin("guest_plugin_example")

    @panda.queue_blocking
    def run_cmd():
        panda.revert_sync("root")
        panda.run_serial_cmd("cat", no_timeout=True)
        panda.end_analysis()

    panda.run()

Two kinds of guest:

* ``Panda(generic=ARCH)``: guestplug's generic image of ARCH, built and cached
  on first use; it starts from its snapshot "root". ``userland="debian"``
  picks the Debian bookworm system with systemd (x86_64) instead of the
  default busybox userland.
* ``Panda(arch=..., qcow=..., mem=..., expect_prompt=..., extra_args=...)``:
  your own guest, as pypanda takes it. The qcow is attached as QEMU's first
  IDE disk (virtio on mips64), extra_args are QEMU words (a string is split
  with shlex; -kernel, -initrd and -append are checked and used as guestplug's
  own kernel settings).

QEMU starts at the run's first call that needs the guest. If that call is
``revert_sync(NAME)``, it starts straight from snapshot NAME: the state
pypanda reaches by booting and then loading NAME, without waiting for a boot
that may never show a shell. Otherwise a generic image starts from "root" and
an own guest boots cold to its prompt.

Calls, as in pypanda: ``load_plugin``, ``queue_blocking``, ``run``,
``revert_sync``, ``run_serial_cmd``, ``run_monitor_cmd``, ``end_analysis``.
guestplug adds ``copy_to_guest`` and ``set_core_arg``.

Errors: every failing call raises ``GuestplugError`` once, in the thread that
made the call, with the runner's message (what is wrong and what to do).
``run()`` shuts QEMU down and lets an exception from a queued function
propagate unchanged; it neither prints nor wraps it. Unknown keyword arguments
raise ``TypeError``; pypanda arguments that guestplug cannot honour raise
``GuestplugError`` naming them. A host plugin that ends the analysis with a
failure status, or a guest plugin that fails, makes ``run()`` raise
``GuestplugError``. Ctrl-C ends the process (status 130) after QEMU is shut
down, as the ``guestplug`` command does.

Timeouts: nothing waits for ever. ``run_serial_cmd`` waits ``timeout`` seconds
(default: the runner's 60 s), or 9999 s with ``no_timeout=True`` (pypanda's own
cap), and returns "" at once once the analysis has ended.
"""

import ctypes
import math
import os as _os  # Panda() takes a keyword named os, as pypanda's does
import re
import shlex
import threading

__all__ = ["Panda", "GuestplugError", "ARCHITECTURES", "NO_TIMEOUT_SECONDS"]

# pypanda's architecture names. Each is also the ARCH of QEMU's
# qemu-system-ARCH, which is what the runner takes for an own guest.
ARCHITECTURES = ("x86_64", "i386", "arm", "aarch64", "mips", "mipsel", "mips64",
                 "mips64el", "ppc")

# run_serial_cmd(no_timeout=True) waits this long, as pypanda does
# (panda.py: 9999 s); "no timeout" must never mean an unbounded wait.
NO_TIMEOUT_SECONDS = 9999

# The runner counts milliseconds in a C int.
_MAX_TIMEOUT_SECONDS = 2000000


class GuestplugError(RuntimeError):
    """A guestplug call failed; the message names the cause and the fix."""


def _find_library():
    """libguestplug-run.so: $GUESTPLUG_RUN_LIB, the build tree, the prefix."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    candidates = [
        _os.environ.get("GUESTPLUG_RUN_LIB", ""),
        # python/guestplug/ in a checkout, next to build/
        _os.path.join(here, "..", "..", "build", "lib", "libguestplug-run.so"),
        # PREFIX/lib/guestplug/python/guestplug/ once installed
        _os.path.join(here, "..", "..", "..", "libguestplug-run.so"),
        "/usr/local/lib/libguestplug-run.so",
    ]
    for path in candidates:
        if path and _os.path.isfile(path):
            return _os.path.abspath(path)
    raise GuestplugError(
        "libguestplug-run.so not found (looked at: %s); build guestplug with `make` "
        "or set GUESTPLUG_RUN_LIB" % ", ".join(p for p in candidates if p))


_VM = ctypes.c_void_p
_STR = ctypes.c_char_p
_INT = ctypes.c_int
_SIGNATURES = {
    "gp_vm_new_generic": (_VM, [_STR]),
    "gp_vm_generic_names": (_STR, []),
    "gp_vm_new_custom": (_VM, [_STR]),
    "gp_vm_set_kernel": (_INT, [_VM, _STR]),
    "gp_vm_set_initrd": (_INT, [_VM, _STR]),
    "gp_vm_set_disk": (_INT, [_VM, _STR]),
    "gp_vm_set_append": (_INT, [_VM, _STR]),
    "gp_vm_set_memory": (_INT, [_VM, _STR]),
    "gp_vm_add_qemu_arg": (_INT, [_VM, _STR]),
    "gp_vm_set_prompt": (_INT, [_VM, _STR]),
    "gp_vm_set_start_snapshot": (_INT, [_VM, _STR]),
    "gp_vm_load_plugin": (_INT, [_VM, _STR, _STR]),
    "gp_vm_set_core_arg": (_INT, [_VM, _STR, _STR]),
    "gp_vm_start": (_INT, [_VM]),
    "gp_vm_revert": (_INT, [_VM, _STR]),
    "gp_vm_monitor_cmd": (_INT, [_VM, _STR, ctypes.POINTER(ctypes.c_void_p)]),
    "gp_vm_run_serial_cmd": (_INT, [_VM, _STR, _INT, ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(_INT)]),
    "gp_vm_copy_to_guest": (_INT, [_VM, _STR, _STR]),
    "gp_vm_run_until_end": (_INT, [_VM, _INT]),
    "gp_vm_ended": (ctypes.c_bool, [_VM]),
    "gp_vm_end_status": (_INT, [_VM]),
    "gp_vm_end": (None, [_VM]),
    "gp_vm_last_error": (_STR, [_VM]),
    "gp_vm_free_string": (None, [ctypes.c_void_p]),
}
# Bound when the library has them, so the front also runs on a runner
# without these newer calls.
_OPTIONAL = {
    "gp_vm_set_disk_interface": (_INT, [_VM, _STR]),
    "gp_vm_set_userland": (_INT, [_VM, _STR]),
    "gp_vm_guest_plugin_failure": (_STR, [_VM]),
}

_library = None
_library_lock = threading.Lock()


def _load():
    global _library
    with _library_lock:
        if _library is None:
            lib = ctypes.CDLL(_find_library())
            for name, (restype, argtypes) in list(_SIGNATURES.items()) + list(_OPTIONAL.items()):
                function = getattr(lib, name, None)
                if function is None:
                    if name in _SIGNATURES:
                        raise GuestplugError(
                            "%s has no %s: it is older than this Python front; rebuild "
                            "guestplug (make) or point GUESTPLUG_RUN_LIB at a matching "
                            "build" % (lib._name, name))
                    continue
                function.restype = restype
                function.argtypes = argtypes
            _library = lib
        return _library


def _text(value, what):
    """VALUE as bytes for C: str, bytes or a path."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, _os.PathLike):
        return _os.fsencode(value)
    raise TypeError("%s must be a string, not %s" % (what, type(value).__name__))


def _escape_arg_value(value):
    """A host plugin argument value, quoted for the runner's key=value,...
    syntax (a backslash keeps the next character), so any value arrives as
    given."""
    return re.sub(r"([\\,\"'])", r"\\\1", value)


def _plugin_args(name, args):
    """pypanda's load_plugin args (dict, or list of "key=value") as the
    runner's "key=value,key=value" text."""
    if args is None:
        return None
    if isinstance(args, dict):
        pairs = list(args.items())
    elif isinstance(args, (list, tuple)):
        pairs = []
        for item in args:
            key, eq, value = str(item).partition("=")
            if not eq:
                raise GuestplugError("argument %r of host plugin %s is not key=value"
                                     % (item, name))
            pairs.append((key, value))
    else:
        raise TypeError("load_plugin args must be a dict (or a list of \"key=value\"), "
                        "not %s" % type(args).__name__)
    text = []
    for key, value in pairs:
        if isinstance(value, bool):
            value = "true" if value else "false"
        text.append("%s=%s" % (key, _escape_arg_value(str(value))))
    return ",".join(text) or None


def _prompt_pattern(expectation):
    """pypanda's Expect searches the console for the prompt; the runner
    matches its regex at the end of the output. Allowing anything but a
    newline after the pattern gives pypanda's meaning, so a prompt written
    for pypanda (r"root@ubuntu:.*#", which stops before the trailing
    space) still matches."""
    if isinstance(expectation, bytes):
        expectation = expectation.decode()
    if not isinstance(expectation, str):
        raise TypeError("expect_prompt must be a regular expression (str or bytes), not %s"
                        % type(expectation).__name__)
    return "(?:%s)[^\\n]*" % expectation


_OWN_GUEST_OPTIONS = ("-kernel", "-initrd", "-append")


class Panda:
    """One guest under QEMU 11.1 with guestplug, driven like PANDA's Panda.

    Panda(generic=ARCH) runs guestplug's generic image of ARCH; without
    generic, the pypanda arguments describe your own guest (see the module
    docstring and docs/python.md). Keyword arguments:

      arch            pypanda's architecture name (default "i386", as pypanda)
      mem             memory size for your own guest, e.g. "256M" (default "128M")
      qcow            your guest's disk image (qcow2 for snapshots, or raw)
      expect_prompt   regex of the shell prompt on the serial console
      extra_args      more QEMU arguments, a string (shlex-split) or a list
      serial_kwargs   only {"expectation": regex} (= expect_prompt) and unansi=True
      os              "linux" (the only kind guestplug runs)
      os_version      accepted and not needed: guestplug uses no OS profile
      biospath        a QEMU firmware directory (-L)
      plugin_path     one more directory to search for host plugins
      nproc           vCPUs (-smp), default 1
      userland        with generic: the image's userland, "busybox" (default) or
                      "debian" (Debian bookworm with systemd, x86_64)
      catch_exceptions, raw_monitor=False: accepted for pypanda's sake; an
                      exception in a queued function always ends the run and
                      propagates out of run()

    libpanda_path and raw_monitor=True have no meaning here and raise
    GuestplugError; any other keyword raises TypeError.
    """

    def __init__(self, arch=None, mem=None, expect_prompt=None, serial_kwargs=None,
                 os_version=None, qcow=None, os="linux", generic=None, raw_monitor=False,
                 extra_args=None, catch_exceptions=True, libpanda_path=None, biospath=None,
                 plugin_path=None, nproc=1, userland=None, **unknown):
        # Set first so that __del__ and the guards work whatever fails below.
        self._vm = None
        self._lib = None
        if unknown:
            raise TypeError("Panda() got unexpected keyword argument%s %s; guestplug's Panda "
                            "takes generic=, or arch=, qcow=, mem=, expect_prompt=, "
                            "extra_args=, ... (see help(guestplug.Panda))"
                            % ("s" if len(unknown) > 1 else "",
                               ", ".join(repr(k) for k in sorted(unknown))))
        unsupported = []
        if os != "linux":
            unsupported.append("os=%r (guestplug runs Linux guests: os=\"linux\")" % (os,))
        if raw_monitor:
            unsupported.append("raw_monitor=True (guestplug keeps QEMU's monitor; use "
                               "panda.run_monitor_cmd(cmd))")
        if libpanda_path is not None:
            unsupported.append("libpanda_path (guestplug runs an unmodified QEMU; set "
                               "GUESTPLUG_QEMU for your own build and GUESTPLUG_RUN_LIB for "
                               "libguestplug-run.so)")
        prompt = expect_prompt
        for key, value in (serial_kwargs or {}).items():
            if key == "expectation":
                if prompt is not None and prompt != value:
                    unsupported.append("serial_kwargs['expectation'] differing from "
                                       "expect_prompt")
                prompt = value
            elif key == "unansi" and value:
                pass  # the runner already strips the terminal's echo and controls
            else:
                unsupported.append("serial_kwargs[%r]=%r" % (key, value))
        if not isinstance(nproc, int) or nproc < 1:
            unsupported.append("nproc=%r (a number of vCPUs, 1 or more)" % (nproc,))
        if generic is not None:
            clashing = [name for given, name in ((qcow, "qcow="), (prompt, "expect_prompt="),
                                                 (mem, "mem=")) if given is not None]
            if clashing:
                unsupported.append(
                    "%s together with generic= (the generic image brings its own disk, "
                    "prompt and the memory size its snapshot 'root' was saved with; drop "
                    "%s, or describe your own guest without generic=)"
                    % (", ".join(clashing), " and ".join(clashing)))
            if arch is not None and arch != generic:
                unsupported.append("arch=%r together with generic=%r" % (arch, generic))
        elif userland is not None:
            unsupported.append("userland=%r without generic= (a userland is chosen for a "
                               "generic image; your own guest brings its own)" % (userland,))
        else:
            arch = "i386" if arch is None else arch
            if arch not in ARCHITECTURES:
                unsupported.append("arch=%r (pypanda's architecture names: %s)"
                                   % (arch, ", ".join(ARCHITECTURES)))
        if unsupported:
            raise GuestplugError("Panda(): not supported by guestplug: " + "; ".join(unsupported))

        if isinstance(extra_args, str):
            extra_args = shlex.split(extra_args)  # pypanda keeps quoted words whole too
        words = [_text(word, "extra_args word") for word in (extra_args or [])]

        self._lib = _load()
        self._lock = threading.RLock()
        self._queue = []
        self._running = False
        self._started = False
        self._ended = False
        self._plugins = []
        self.arch_name = generic if generic is not None else arch
        self.os_version = os_version
        self.qcow = qcow
        self.catch_exceptions = catch_exceptions

        if generic is not None:
            names = self._lib.gp_vm_generic_names().decode().split(", ")
            if generic not in names:
                raise GuestplugError("there is no generic image for architecture %r; choose "
                                     "one of: %s" % (generic, ", ".join(names)))
            self._vm = self._lib.gp_vm_new_generic(generic.encode())
            self._start_snapshot = b"root"
            self._generic = True
            if self._vm and userland is not None:
                self._set_userland(userland)
        else:
            self._vm = self._lib.gp_vm_new_custom(arch.encode())
            self._start_snapshot = None
            self._generic = False
        if not self._vm:
            raise GuestplugError("could not create a VM for %r" % self.arch_name)
        try:
            self._configure(generic, qcow, mem, prompt, words, biospath, plugin_path, nproc)
        except BaseException:
            self._free()
            raise

    def _set_userland(self, userland):
        setter = getattr(self._lib, "gp_vm_set_userland", None)
        try:
            if setter is None:
                raise GuestplugError(
                    "%s has no gp_vm_set_userland: it is older than this Python front; "
                    "rebuild guestplug (make) or point GUESTPLUG_RUN_LIB at a matching build"
                    % self._lib._name)
            self._check(setter(self._vm, _text(userland, "userland")))
        except BaseException:
            self._free()
            raise

    def _configure(self, generic, qcow, mem, prompt, words, biospath, plugin_path, nproc):
        lib, vm = self._lib, self._vm
        if generic is None:
            # pypanda's default; an int is MiB, as QEMU's -m reads it.
            mem = "128M" if mem is None else str(mem) if isinstance(mem, int) else mem
            self._check(lib.gp_vm_set_memory(vm, _text(mem, "mem")))
            if qcow is not None:
                self._check(lib.gp_vm_set_disk(vm, _text(qcow, "qcow")))
                # pypanda attaches mips64 disks as virtio; everything else as
                # QEMU's default, IDE.
                if self.arch_name in ("mips64", "mips64el") and \
                        hasattr(lib, "gp_vm_set_disk_interface"):
                    self._check(lib.gp_vm_set_disk_interface(vm, b"virtio"))
            if prompt is not None:
                pattern = _prompt_pattern(prompt)
                # The pattern alone first, so an error quotes what the user wrote.
                self._check(lib.gp_vm_set_prompt(vm, _text(prompt, "expect_prompt")))
                self._check(lib.gp_vm_set_prompt(vm, pattern.encode()))
        # The runner owns -kernel/-initrd/-append of an own guest (it checks
        # the files and needs to know there is something to boot); the rest
        # goes to QEMU as given.
        rest = []
        i = 0
        while i < len(words):
            word = words[i].decode(errors="replace")
            if generic is None and word in _OWN_GUEST_OPTIONS and i + 1 < len(words):
                setter = {"-kernel": lib.gp_vm_set_kernel, "-initrd": lib.gp_vm_set_initrd,
                          "-append": lib.gp_vm_set_append}[word]
                self._check(setter(vm, words[i + 1]))
                i += 2
                continue
            rest.append(words[i])
            i += 1
        if biospath is not None:
            rest[:0] = [b"-L", _text(biospath, "biospath")]
        if nproc != 1:
            rest[:0] = [b"-smp", str(nproc).encode()]
        for word in rest:
            self._check(lib.gp_vm_add_qemu_arg(vm, word))
        if plugin_path is not None:
            self.set_core_arg("plugin_path", _os.fsdecode(_text(plugin_path, "plugin_path")))
        if generic is None and qcow is None and b"-kernel" not in words:
            raise GuestplugError("Panda(arch=%r) needs something to boot: qcow=DISK, or "
                                 "-kernel FILE in extra_args (or use generic=ARCH)"
                                 % self.arch_name)

    # -- plumbing ---------------------------------------------------------

    def _free(self):
        vm, self._vm = self._vm, None
        if vm and self._lib:
            self._lib.gp_vm_end(vm)

    def __del__(self):
        try:
            self._free()
        except Exception:  # interpreter shutdown may have unloaded ctypes
            pass

    def _error(self):
        return GuestplugError(self._lib.gp_vm_last_error(self._vm).decode(errors="replace"))

    def _check(self, result):
        if result < 0:
            raise self._error()

    def _alive(self, verb):
        if self._vm is None:
            raise GuestplugError("cannot %s: this Panda's run is over (run() returned); make "
                                 "a new Panda for another run" % verb)

    def _running_vm(self, verb, snapshot=None):
        """The VM, started if it was not yet: from SNAPSHOT when given (the
        default snapshot otherwise: "root" for a generic image, a cold boot
        for your own guest). Only inside run(), like pypanda's blocking
        calls, so that run() always shuts QEMU down afterwards."""
        self._alive(verb)
        if not self._running:
            raise GuestplugError("cannot %s outside panda.run(): call it from a function "
                                 "queued with @panda.queue_blocking" % verb)
        if not self._started:
            name = snapshot if snapshot is not None else self._start_snapshot
            self._check(self._lib.gp_vm_set_start_snapshot(self._vm, name))
            if self._lib.gp_vm_start(self._vm) < 0:
                error = self._error()
                # The next call starts the way it would have without this one.
                self._lib.gp_vm_set_start_snapshot(self._vm, self._start_snapshot)
                raise error
            self._started = True
            return True
        return False

    def _analysis_ended(self):
        return self._ended or (self._started and self._lib.gp_vm_ended(self._vm))

    # -- pypanda's calls ---------------------------------------------------

    def load_plugin(self, name, args=None):
        """Loads host plugin NAME when the guest starts; ARGS is a dict
        (values are passed verbatim, commas included) or a list of
        "key=value". An unknown NAME raises GuestplugError here, naming the
        paths searched."""
        with self._lock:
            self._alive("load a plugin")
            text = _plugin_args(name, args)
            self._check(self._lib.gp_vm_load_plugin(self._vm, _text(name, "plugin name"),
                                                    text.encode() if text else None))
            self._plugins.append(name)

    def queue_blocking(self, function):
        """Decorator: run FUNCTION from run(), in the order queued, like
        pypanda's. It may call the blocking methods (revert_sync,
        run_serial_cmd, run_monitor_cmd, ...)."""
        self._queue.append(function)
        return function

    def revert_sync(self, name):
        """Reverts the guest to snapshot NAME and returns once it is done. As
        the run's first guest action it starts QEMU from NAME directly."""
        snapshot = _text(name, "snapshot")
        # A generic image starts on a fresh copy of its disk, which holds
        # "root" only: any other name is reverted to (and refused) normally.
        start_from = snapshot if not self._generic or snapshot == b"root" else None
        with self._lock:
            started = self._running_vm("revert to snapshot %r" % name, start_from)
            if not started or start_from is None:
                self._check(self._lib.gp_vm_revert(self._vm, snapshot))

    def run_serial_cmd(self, cmd, no_timeout=False, timeout=None):
        """Types CMD on the serial console and returns what it printed.

        Waits TIMEOUT seconds (default: the runner's command timeout, 60 s),
        or NO_TIMEOUT_SECONDS (9999, pypanda's cap) with no_timeout=True;
        never for ever. Once the analysis has ended (end_analysis(), or a host
        plugin ended it, also while CMD runs) it returns "" at once.
        """
        if no_timeout:
            seconds = NO_TIMEOUT_SECONDS
        elif timeout is None:
            seconds = 0  # the runner's default
        else:
            if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or \
                    not 0 < timeout <= _MAX_TIMEOUT_SECONDS:
                raise ValueError("timeout must be a number of seconds, more than 0 and at "
                                 "most %d (got %r)" % (_MAX_TIMEOUT_SECONDS, timeout))
            seconds = int(math.ceil(timeout))
        with self._lock:
            self._running_vm("run a serial command")
            if self._analysis_ended():
                return ""
            output = ctypes.c_void_p()
            status = ctypes.c_int()
            result = self._lib.gp_vm_run_serial_cmd(self._vm, _text(cmd, "cmd"), seconds,
                                                    ctypes.byref(output), ctypes.byref(status))
            if result < 0:
                if self._lib.gp_vm_ended(self._vm):
                    return ""
                raise self._error()
            try:
                return ctypes.string_at(output).decode(errors="replace")
            finally:
                self._lib.gp_vm_free_string(output)

    def run_monitor_cmd(self, cmd):
        """Runs CMD on QEMU's monitor (HMP, e.g. "info snapshots") and returns
        its output. A command HMP refuses ("Error: ...", an unknown command)
        raises GuestplugError with that text. "quit" ends the analysis: run()
        then shuts QEMU down as usual."""
        if _text(cmd, "cmd").strip() in (b"quit", b"q"):
            self.end_analysis()
            return ""
        with self._lock:
            self._running_vm("run a monitor command")
            output = ctypes.c_void_p()
            self._check(self._lib.gp_vm_monitor_cmd(self._vm, _text(cmd, "cmd"),
                                                    ctypes.byref(output)))
            try:
                return ctypes.string_at(output).decode(errors="replace")
            finally:
                self._lib.gp_vm_free_string(output)

    def end_analysis(self):
        """Ends the analysis: no queued function starts after the current
        one, serial commands return "" at once, and run() shuts QEMU down.
        Safe from any thread."""
        self._ended = True

    def run(self):
        """Runs the queued functions in order, in this thread, then shuts
        QEMU down; QEMU starts at the first call that needs the guest.

        With nothing queued it starts the guest and waits for the analysis
        to end (a host plugin ends it, or every guest plugin finished), at
        most the command timeout. If the queued functions return without
        end_analysis() and host plugins are loaded, it waits the same way.
        An exception from a queued function propagates once, after QEMU is
        shut down. A host plugin that ended the analysis with a failure
        status, or a guest plugin that failed, raises GuestplugError.
        """
        self._alive("run")
        if self._running:
            raise GuestplugError("panda.run() is already running")
        self._running = True
        self._ended = False
        failure = None
        try:
            if not self._queue:
                with self._lock:
                    self._running_vm("start the guest")
                self._wait_for_end()
            else:
                while self._queue and not self._ended:
                    self._queue.pop(0)()
                if not self._analysis_ended() and self._started and self._plugins:
                    self._wait_for_end()
            failure = self._outcome()
        finally:
            self._running = False
            self._free()
        if failure:
            raise GuestplugError(failure)

    # -- guestplug's additions ---------------------------------------------

    def set_core_arg(self, key, value):
        """A setting of libguestplug.so itself, e.g. ("inject_timeout", "10");
        before the guest starts."""
        with self._lock:
            self._alive("set a core argument")
            self._check(self._lib.gp_vm_set_core_arg(self._vm, _text(key, "key"),
                                                     str(value).encode()))

    def copy_to_guest(self, host_path, guest_path):
        """Copies one host file into the guest (made executable) over the
        serial console. Not pypanda's copy_to_guest, which copies a directory
        through a CD-ROM image."""
        with self._lock:
            self._running_vm("copy a file into the guest")
            self._check(self._lib.gp_vm_copy_to_guest(self._vm, _text(host_path, "host_path"),
                                                      _text(guest_path, "guest_path")))

    # -- run() helpers -----------------------------------------------------

    def _wait_for_end(self):
        with self._lock:
            # 0: over; 1: nothing was left to wait for; -1: timed out or failed.
            if self._lib.gp_vm_run_until_end(self._vm, 0) < 0:
                raise self._error()

    def _outcome(self):
        """Why the run failed although no call did, or None."""
        if not self._started:
            return None
        status = self._lib.gp_vm_end_status(self._vm)
        if status:
            return "a host plugin ended the analysis with status %d" % status
        failure = self._lib.gp_vm_guest_plugin_failure(self._vm)
        return failure.decode(errors="replace") if failure else None
