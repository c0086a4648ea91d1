/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integration checks through the public C API (include/guestplug/run.h),
 * against the real QEMU 11.1 and a real guest:
 *
 *   vm_api revert-twice
 *       a file created after the first revert is gone after the second
 *   vm_api revert-reload TRIGGER
 *       with inject_test loading c_example: it runs, the VM reverts to root,
 *       TRIGGER (copied in) asks inject_test to load c_example again, and
 *       it runs again in the reverted guest
 *   vm_api reload-after-revert DIR
 *       gp_vm_reload_guest_plugins: with inject_test running c_example and
 *       DIR/sleeper, the VM reverts to root and the plugins are loaded
 *       again: sleeper, running at the revert, is lost and runs anew, and
 *       both run in the reverted guest; then guest_plugin_example, whose
 *       end of the analysis ends only its round, runs twice
 *   vm_api own-guest KERNEL INITRD DISK.qcow2 PROMPT
 *       a user's own guest boots cold, saves a snapshot in its qcow2, and a
 *       new VM started from that snapshot sees the saved state
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestplug/run.h"

/* The generic guest the test runs on: GP_TEST_ARCH, as lib.bash's ARCH. */
static const char *test_arch(void)
{
    const char *arch = getenv("GP_TEST_ARCH");
    return arch && arch[0] ? arch : "x86_64";
}

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            failures++;                                    \
        }                                                  \
    } while (0)

/* Runs CMD; returns its exit status, or -1000 if the runner failed. */
static int run(gp_vm *vm, const char *cmd, char **output_out)
{
    char *output = NULL;
    int status = 0;
    if (gp_vm_run_serial_cmd(vm, cmd, 30, &output, &status) < 0) {
        fprintf(stderr, "run '%s' failed: %s\n", cmd, gp_vm_last_error(vm));
        failures++;
        return -1000;
    }
    printf("$ %s\n%s\n[status %d]\n", cmd, output, status);
    if (output_out) {
        *output_out = output;
    } else {
        gp_vm_free_string(output);
    }
    return status;
}

static int revert_twice(void)
{
    gp_vm *vm = gp_vm_new_generic(test_arch());
    CHECK(vm, "gp_vm_new_generic");
    CHECK(gp_vm_start(vm) == 0, "start: %s", gp_vm_last_error(vm));
    CHECK(gp_vm_revert(vm, "root") == 0, "first revert: %s", gp_vm_last_error(vm));
    CHECK(run(vm, "test -e /root/after-revert", NULL) != 0, "file exists before creation");
    CHECK(run(vm, "touch /root/after-revert", NULL) == 0, "touch failed");
    CHECK(run(vm, "test -e /root/after-revert", NULL) == 0, "file missing after creation");
    CHECK(gp_vm_revert(vm, "root") == 0, "second revert: %s", gp_vm_last_error(vm));
    CHECK(run(vm, "test -e /root/after-revert", NULL) == 1, "file survived the revert");

    CHECK(gp_vm_revert(vm, "no_such_snapshot") < 0, "revert to a missing snapshot succeeded");
    CHECK(strstr(gp_vm_last_error(vm), "no_such_snapshot") != NULL,
          "error does not name the snapshot: %s", gp_vm_last_error(vm));
    /* The VM is still usable after a failed revert. */
    CHECK(run(vm, "true", NULL) == 0, "VM unusable after a failed revert");
    gp_vm_end(vm);
    return failures ? 1 : 0;
}

static gp_vm *own_guest(char **argv)
{
    gp_vm *vm = gp_vm_new_custom("x86_64");
    CHECK(gp_vm_set_kernel(vm, argv[0]) == 0, "%s", gp_vm_last_error(vm));
    CHECK(gp_vm_set_initrd(vm, argv[1]) == 0, "%s", gp_vm_last_error(vm));
    CHECK(gp_vm_set_disk(vm, argv[2]) == 0, "%s", gp_vm_last_error(vm));
    CHECK(gp_vm_set_append(vm, "console=ttyS0 panic=-1 quiet") == 0, "append");
    CHECK(gp_vm_set_machine(vm, "pc") == 0, "machine");
    CHECK(gp_vm_set_prompt(vm, argv[3]) == 0, "%s", gp_vm_last_error(vm));
    return vm;
}

static int own_guest_snapshot(char **argv)
{
    gp_vm *vm = own_guest(argv);
    CHECK(gp_vm_set_prompt(vm, "([") < 0, "an invalid prompt regex was accepted");
    CHECK(gp_vm_start(vm) == 0, "cold boot: %s", gp_vm_last_error(vm));
    CHECK(run(vm, "echo saved-state > /tmp/state", NULL) == 0, "write state");
    CHECK(gp_vm_savevm(vm, "mine") == 0, "savevm: %s", gp_vm_last_error(vm));
    gp_vm_end(vm);

    vm = own_guest(argv);
    CHECK(gp_vm_set_start_snapshot(vm, "mine") == 0, "set start snapshot");
    CHECK(gp_vm_start(vm) == 0, "start from snapshot: %s", gp_vm_last_error(vm));
    char *output = NULL;
    CHECK(run(vm, "cat /tmp/state", &output) == 0, "read state");
    CHECK(output && strcmp(output, "saved-state") == 0, "state after -loadvm: '%s'",
          output ? output : "(null)");
    gp_vm_free_string(output);
    gp_vm_end(vm);
    return failures ? 1 : 0;
}

/* 128 random bits as 32 hex digits: a channel token (gp_channel_set_token). */
static bool new_token(char out[33])
{
    unsigned char bytes[16];
    FILE *random = fopen("/dev/urandom", "rb");
    bool ok = random && fread(bytes, 1, sizeof bytes, random) == sizeof bytes;
    if (random) {
        fclose(random);
    }
    for (size_t i = 0; ok && i < sizeof bytes; i++) {
        snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    }
    return ok;
}

static int revert_reload(const char *trigger)
{
    gp_vm *vm = gp_vm_new_generic(test_arch());
    /* trigger claims inject_test's control channel with the token both get. */
    char token[33], arguments[96], command[128];
    CHECK(new_token(token), "token from /dev/urandom");
    snprintf(arguments, sizeof arguments, "plugins=c_example,token=%s", token);
    snprintf(command, sizeof command,
             "GUESTPLUG_TOKEN=%s /tmp/trigger inject_test 'load c_example'", token);
    CHECK(gp_vm_load_plugin(vm, "inject_test", arguments) == 0, "load_plugin");
    CHECK(gp_vm_start(vm) == 0, "start: %s", gp_vm_last_error(vm));
    CHECK(run(vm, "sleep 2", NULL) == 0, "first run");
    CHECK(gp_vm_revert(vm, "root") == 0, "revert: %s", gp_vm_last_error(vm));
    CHECK(gp_vm_copy_to_guest(vm, trigger, "/tmp/trigger") == 0, "copy: %s",
          gp_vm_last_error(vm));
    CHECK(run(vm, command, NULL) == 0, "trigger");
    CHECK(run(vm, "sleep 2", NULL) == 0, "second run");
    gp_vm_end(vm);
    return failures ? 1 : 0;
}

static int reload_after_revert(const char *dir)
{
    gp_vm *vm = gp_vm_new_generic(test_arch());
    char arguments[4200];
    snprintf(arguments, sizeof arguments, "plugins=c_example+sleeper,dir=%s", dir);
    const char *wait_for_sleeper =
        "for i in $(seq 30); do pidof sleeper && break; sleep 1; done; sleep 1";
    CHECK(gp_vm_load_plugin(vm, "inject_test", arguments) == 0, "load_plugin");
    CHECK(gp_vm_start(vm) == 0, "start: %s", gp_vm_last_error(vm));
    CHECK(run(vm, wait_for_sleeper, NULL) == 0, "sleeper did not start");
    CHECK(gp_vm_revert(vm, "root") == 0, "revert: %s", gp_vm_last_error(vm));
    CHECK(run(vm, "pidof sleeper", NULL) != 0, "sleeper survived the revert");
    CHECK(gp_vm_reload_guest_plugins(vm) == 0, "reload: %s", gp_vm_last_error(vm));
    CHECK(gp_vm_guest_plugins_requested(vm) == 2, "%u plugins known after the reload",
          gp_vm_guest_plugins_requested(vm));
    CHECK(run(vm, wait_for_sleeper, NULL) == 0, "sleeper did not start again");
    CHECK(run(vm, "kill $(pidof sleeper)", NULL) == 0, "kill sleeper");
    CHECK(gp_vm_run_until_end(vm, 30) == 0, "run_until_end: %s", gp_vm_last_error(vm));
    gp_vm_end(vm);

    /* A host plugin that ends the analysis: each reload is a round of its own. */
    vm = gp_vm_new_generic(test_arch());
    CHECK(gp_vm_load_plugin(vm, "guest_plugin_example", NULL) == 0, "load_plugin");
    CHECK(gp_vm_start(vm) == 0, "start: %s", gp_vm_last_error(vm));
    CHECK(gp_vm_run_until_end(vm, 30) == 0 && gp_vm_ended(vm), "first round: %s",
          gp_vm_last_error(vm));
    CHECK(gp_vm_revert(vm, "root") == 0, "revert: %s", gp_vm_last_error(vm));
    CHECK(gp_vm_reload_guest_plugins(vm) == 0, "reload: %s", gp_vm_last_error(vm));
    CHECK(!gp_vm_ended(vm) || gp_vm_end_status(vm) == 0, "the first round's end still counts");
    CHECK(gp_vm_run_until_end(vm, 30) == 0 && gp_vm_ended(vm), "second round: %s",
          gp_vm_last_error(vm));
    CHECK(gp_vm_end_status(vm) == 0, "second round ended with %d", gp_vm_end_status(vm));
    CHECK(gp_vm_guest_plugin_failure(vm) == NULL, "%s", gp_vm_guest_plugin_failure(vm));
    gp_vm_end(vm);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "revert-reload") == 0) {
        return revert_reload(argv[2]);
    }
    if (argc == 3 && strcmp(argv[1], "reload-after-revert") == 0) {
        return reload_after_revert(argv[2]);
    }
    if (argc == 2 && strcmp(argv[1], "revert-twice") == 0) {
        return revert_twice();
    }
    if (argc == 6 && strcmp(argv[1], "own-guest") == 0) {
        return own_guest_snapshot(argv + 2);
    }
    fprintf(stderr, "usage: vm_api revert-twice | revert-reload TRIGGER | "
            "reload-after-revert DIR | "
            "own-guest KERNEL INITRD DISK PROMPT\n");
    return 2;
}
