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

/* Saves the running VM as snapshot NAME in its qcow2 disk. A generic
 * image runs on a private copy of its disk, so its snapshots last as long as
 * the VM; your own guest's qcow2 keeps them. */
int gp_vm_savevm(gp_vm *vm, const char *name);

/* Deletes snapshot NAME from the running VM's qcow2 disk. */
int gp_vm_delete_snapshot(gp_vm *vm, const char *name);

/*
 * Types COMMAND on the serial console and waits up to TIMEOUT_SECONDS
 * (0 = the VM's default, negative = forever) for it to finish. On success
 * *OUTPUT (free with gp_vm_free_string) holds what it printed and
 * *EXIT_STATUS, if not NULL, its shell exit status.
 */
int gp_vm_run_serial_cmd(gp_vm *vm, const char *command, int timeout_seconds,
                         char **output, int *exit_status);

/*
 * Copies HOST_PATH into the running guest as GUEST_PATH (made executable),
 * over the serial console: gzip + base64, unpacked by the guest's `head -c`,
 * `base64 -d`
 * and `gunzip`. No agent, network or shared folder needed; ~130 KB/s under TCG.
 */
int gp_vm_copy_to_guest(gp_vm *vm, const char *host_path, const char *guest_path);

/*
 * Waits until a host plugin calls gp_end_analysis(), at most TIMEOUT_SECONDS
 * (0 = the command timeout). Meanwhile it types a newline every second:
 * injection needs a process that makes system calls, and an idle shell
 * makes none. 0 when ended, -1 on timeout or failure.
 */
int gp_vm_run_until_end(gp_vm *vm, int timeout_seconds);

/* True once a host plugin asked to end the analysis; a command interrupted
 * by that fails with this set, which is not an error of the guest. */
bool gp_vm_ended(const gp_vm *vm);

/* The status the host plugin ended the analysis with: 0 for success (and
 * when it has not ended), else what it gave gp_end_analysis_with_status. */
int gp_vm_end_status(const gp_vm *vm);

/* Stops QEMU cleanly (quit over QMP, then signals) and frees the VM. */
void gp_vm_end(gp_vm *vm);

/* Why the last failing call failed, or "" if none did. Valid until the next call. */
const char *gp_vm_last_error(const gp_vm *vm);

void gp_vm_free_string(char *string);

#ifdef __cplusplus
}
#endif

#endif
