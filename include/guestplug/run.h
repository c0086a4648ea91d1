/* SPDX-License-Identifier: MIT */
/*
 * libguestplug-run: drive a QEMU 11.1 guest with guestplug loaded.
 *
 * The verbs match the `guestplug` command line and PANDA's Python API:
 * create a VM for a generic architecture (or describe your own guest), load
 * host plugins, start, revert to a snapshot, type serial commands and read
 * their output, end. Every call that can fail returns 0 or a non-NULL
 * pointer on success and -1 or NULL on failure, with the reason (naming the
 * cause and the fix) in gp_vm_last_error(). Not thread-safe: use one gp_vm
 * from one thread at a time.
 *
 * No QEMU process, socket or temporary directory outlives the caller: they
 * are removed by gp_vm_end(), at exit, and on SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT (the library installs handlers for these the first time a VM is
 * started, unless the signal is ignored).
 */
#ifndef GUESTPLUG_RUN_H
#define GUESTPLUG_RUN_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_vm gp_vm;

/*
 * A VM for guestplug's generic image of ARCH ("x86_64", ...). The image is
 * built on first use (gp_vm_start) and cached under
 * $XDG_CACHE_HOME/guestplug (default ~/.cache/guestplug). Starting reverts
 * to the snapshot "root" unless gp_vm_set_start_snapshot says otherwise.
 * Returns NULL only for an unknown ARCH (the message is then printed to
 * stderr, since there is no VM to hold it).
 */
gp_vm *gp_vm_new_generic(const char *arch);

/* The architectures with a generic image, "x86_64, i386, ...", so callers
 * can check a name (and word their own error) before gp_vm_new_generic.
 * Static storage. */
const char *gp_vm_generic_names(void);

/*
 * The userland of a generic image, before gp_vm_start: "busybox" (the
 * default: Debian's C library, base files and /etc with busybox's
 * commands, in the initramfs; every architecture) or "debian" (Debian
 * bookworm with systemd as init, udev and bash on an ext4 root disk, the
 * guest's /dev/vda; x86_64). Each is its own image, built and cached on
 * first use, with its own snapshot "root". Fails for your own guest, an
 * unknown NAME, or an architecture the userland has no image for.
 */
int gp_vm_set_userland(gp_vm *vm, const char *name);

/*
 * A VM for your own guest, run by QEMU's qemu-system-ARCH. Describe it with
 * the setters below (at least a kernel or a disk). Starts with a cold boot
 * unless gp_vm_set_start_snapshot names a snapshot in its qcow2 disk.
 */
gp_vm *gp_vm_new_custom(const char *arch);

/* Own-guest settings; all must be made before gp_vm_start. */
int gp_vm_set_kernel(gp_vm *vm, const char *path);
int gp_vm_set_initrd(gp_vm *vm, const char *path);
/* A disk image the guest sees; qcow2 (snapshots work) or raw. */
int gp_vm_set_disk(gp_vm *vm, const char *path);
/*
 * How that disk is attached: "ide" (the guest sees /dev/sda) or "virtio"
 * (/dev/vda, the guest kernel needs virtio_blk). NULL, the default, leaves it
 * to the machine: IDE on pc (x86_64, i386) and malta, virtio on virt (aarch64, arm).
 * A snapshot loads only with the interface it was saved with.
 */
int gp_vm_set_disk_interface(gp_vm *vm, const char *interface);
int gp_vm_set_append(gp_vm *vm, const char *kernel_command_line);
int gp_vm_set_machine(gp_vm *vm, const char *machine);
int gp_vm_set_cpu(gp_vm *vm, const char *cpu);
int gp_vm_set_memory(gp_vm *vm, const char *size);
/* One extra QEMU command-line word, e.g. "-device" then "virtio-net-pci". */
int gp_vm_add_qemu_arg(gp_vm *vm, const char *arg);
/* The shell prompt, a regular expression matched at the end of the console
 * output. Generic images know theirs; the default otherwise is "[#$] $". */
int gp_vm_set_prompt(gp_vm *vm, const char *regex);

/* The snapshot to start from; NULL means a cold boot that waits for the
 * prompt. Generic images default to "root". */
int gp_vm_set_start_snapshot(gp_vm *vm, const char *name);

/*
 * Loads host plugin NAME through libguestplug.so when the VM starts. ARGS is
 * NULL or "key=value,key=value" and reaches the plugin via gp_plugin_arg().
 * A value keeps commas when quoted ("a,b" or 'a,b') or escaped (a\,b); '='
 * after the first needs neither. An argument that is not key=value fails
 * here; one the plugin's gp_plugin_init never asks for stops QEMU's start
 * with a message naming it.
 * Fails at once, with "could not find path for plugin NAME" and the paths
 * searched, when NAME (or NAME.so on the host plugin search path:
 * $GUESTPLUG_PLUGIN_PATH, the core argument plugin_path= set before this
 * call, the build tree, PREFIX/lib/guestplug/plugins) does not exist.
 */
int gp_vm_load_plugin(gp_vm *vm, const char *name, const char *args);

/*
 * A setting of libguestplug.so itself (docs/architecture.md), e.g.
 * "inject_timeout" "10", "inject_comm" "sshd", "max_message" "32M".
 */
int gp_vm_set_core_arg(gp_vm *vm, const char *key, const char *value);

/* Default seconds to wait for a command's reply (60) and a cold boot's
 * prompt (300). */
int gp_vm_set_timeouts(gp_vm *vm, int command_seconds, int boot_seconds);

/* Starts QEMU (building the generic image first if needed). */
int gp_vm_start(gp_vm *vm);

/* Reverts the running VM to snapshot NAME (in-process loadvm). */
int gp_vm_revert(gp_vm *vm, const char *name);

/*
 * Loads again, into the running guest, every guest plugin that host
 * plugins have loaded since QEMU started, as each host plugin loaded it:
 * the same callbacks and event handlers, the plugin's file read again, a
 * fresh channel token. For after gp_vm_revert, whose guest has neither
 * guest_daemon nor the plugins any more: a new daemon is injected, as at a
 * start from the snapshot, without QEMU's start-up. A plugin still running
 * is taken for lost to the revert (its event handler hears LOST) and
 * started anew; one on its way to the guest is left to arrive.
 *
 * It begins a new round of the analysis: gp_vm_ended() is false again
 * (until a host plugin ends this round), and once it returns (the core has
 * reported the plugins requested) gp_vm_run_until_end waits for them.
 * Fails, saying so, for a VM that runs without libguestplug.so (an
 * architecture without hypercalls yet).
 */
int gp_vm_reload_guest_plugins(gp_vm *vm);

/* Saves the running VM as snapshot NAME in its qcow2 disk. A generic
 * image runs on a private copy of its disk, so its snapshots last as long as
 * the VM; your own guest's qcow2 keeps them. */
int gp_vm_savevm(gp_vm *vm, const char *name);

/* Deletes snapshot NAME from the running VM's qcow2 disk. */
int gp_vm_delete_snapshot(gp_vm *vm, const char *name);

/*
 * Runs COMMAND (one line, e.g. "info snapshots") on the running VM's QEMU
 * monitor (HMP, through QMP's human-monitor-command) and waits up to the
 * command timeout for it. On success *OUTPUT (free with gp_vm_free_string)
 * holds the monitor's text, possibly "". HMP reports failures as ordinary
 * text; output starting with "Error:" (or with such a line), "unknown
 * command: ..." or "Try \"help ...\"" fails instead, and gp_vm_last_error()
 * then holds "HMP command 'COMMAND' failed: " and that text; a guest that
 * ran before a failed command (a failed loadvm stops it) is resumed.
 * Commands that stop QEMU ("quit") end the VM: later calls fail.
 */
int gp_vm_monitor_cmd(gp_vm *vm, const char *command, char **output);

/*
 * Types COMMAND on the serial console and waits up to TIMEOUT_SECONDS
 * (0 = the VM's default, negative = 9999 s, pypanda's "no timeout") for it
 * to finish, for the analysis to end, or for QEMU to exit. On success
 * *OUTPUT (free with gp_vm_free_string) holds what it printed and
 * *EXIT_STATUS, if not NULL, its shell exit status. A command that times
 * out is interrupted (Ctrl-C) and the console resynchronised, so the next
 * command's output is clean.
 */
int gp_vm_run_serial_cmd(gp_vm *vm, const char *command, int timeout_seconds,
                         char **output, int *exit_status);

/*
 * Types COMMAND and a newline on the serial console and returns at once,
 * without waiting for anything (pypanda's run_serial_cmd_async): for a
 * guest left busy with a foreground command, e.g. to snapshot it so. The
 * console's later output is not the next serial command's: run no serial
 * command until this one has ended.
 */
int gp_vm_type_serial(gp_vm *vm, const char *command);

/*
 * Copies HOST_PATH into the running guest as GUEST_PATH (made executable),
 * over the serial console: gzip + base64, unpacked by the guest's `head -c`,
 * `base64 -d`
 * and `gunzip`. No agent, network or shared folder needed; ~130 KB/s under TCG.
 */
int gp_vm_copy_to_guest(gp_vm *vm, const char *host_path, const char *guest_path);

/*
 * Waits until the analysis is over: a host plugin calls gp_end_analysis(),
 * or every guest plugin requested so far has finished (exited, failed to
 * start, or was lost to a snapshot revert). At most TIMEOUT_SECONDS (0 =
 * the command timeout). Meanwhile it types a newline every second:
 * injection needs a process that makes system calls, and an idle shell
 * makes none. Returns
 *    0  the analysis is over (see gp_vm_guest_plugin_failure for how the
 *       guest plugins fared, gp_vm_end_status for the host plugin's word);
 *    1  the time ran out, but no guest plugin was ever requested and no
 *       host plugin ended the analysis: nothing was left to wait for;
 *   -1  the time ran out with guest plugins unfinished (the error names
 *       them), or the VM failed.
 */
int gp_vm_run_until_end(gp_vm *vm, int timeout_seconds);

/* True once a host plugin asked to end the analysis. Serial commands
 * interrupted by that fail with this set, which is not an error of the
 * guest, and later ones fail at once without typing anything. */
bool gp_vm_ended(const gp_vm *vm);

/* The status the host plugin ended the analysis with: 0 for success (and
 * when it has not ended), else what it gave gp_end_analysis_with_status. */
int gp_vm_end_status(const gp_vm *vm);

/* How many guest plugins host plugins have requested so far in this run of
 * QEMU (gp_load_guest_plugin calls, including refused ones). */
unsigned gp_vm_guest_plugins_requested(const gp_vm *vm);

/* Why the first guest plugin that went wrong did, e.g. "guest plugin
 * c_example exited with status 3" or "guest plugin c_example could not be
 * started: ...", or NULL when none did (so far, in this run of QEMU). */
const char *gp_vm_guest_plugin_failure(const gp_vm *vm);

/*
 * Snapshots on a qcow2 disk image, without a VM, through the qemu-img of the
 * QEMU 11.1 guestplug uses. On failure they return NULL or -1 and, if
 * ERROR_MESSAGE is not NULL, set it to the reason (free with
 * gp_vm_free_string).
 */
/* The snapshot names on DISK, oldest first, NULL-terminated (free with gp_strv_free). */
char **gp_disk_list_snapshots(const char *disk, char **error_message);
/* Deletes snapshot NAME from DISK; the reason names the snapshots there if NAME is not. */
int gp_disk_delete_snapshot(const char *disk, const char *name, char **error_message);
void gp_strv_free(char **strv);

/* Stops QEMU cleanly (quit over QMP, then signals) and frees the VM. */
void gp_vm_end(gp_vm *vm);

/* Why the last failing call failed, or "" if none did. Valid until the next call. */
const char *gp_vm_last_error(const gp_vm *vm);

void gp_vm_free_string(char *string);

#ifdef __cplusplus
}
#endif

#endif
