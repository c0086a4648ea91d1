# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug-run (static for the CLI, shared for the Python front) and the CLI.
# The library runs and controls QEMU; generic images come from the builder,
# libguestplug-image (images/images.mk), which both forms of it contain.

# The CLI: main.c dispatches to one file per verb; not part of the library.
CLI_SRCS := runner/main.c runner/cli.c runner/guest_options.c $(wildcard runner/verb_*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
RUNNER_LIB_SRCS := $(filter-out $(CLI_SRCS),$(wildcard runner/*.c))
# The host plugin search is the core's own code, so gp_vm_load_plugin finds
# (or misses) a plugin exactly where the core will.
RUNNER_OBJS := $(RUNNER_LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/core/host_plugin_path.o
RUNNER_A := $(BUILD)/lib/libguestplug-run.a
RUNNER_SO := $(BUILD)/lib/libguestplug-run.so
GUESTPLUG_BIN := $(BUILD)/bin/guestplug

$(BUILD)/obj/runner/%.o $(BUILD)/obj-asan/runner/%.o: OBJ_CFLAGS = -Irunner -Iimages -Icore \
	-fvisibility=hidden $(RUNNER_CFLAGS)

# The builder's objects go into the archive itself, so that a program
# linking the installed libguestplug-run.a needs no second library.
$(RUNNER_A): $(RUNNER_OBJS) $(IMAGE_A)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $(RUNNER_OBJS) $(IMAGE_OBJS)

$(RUNNER_SO): $(RUNNER_OBJS) $(IMAGE_A)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libguestplug-run.so -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS)

$(GUESTPLUG_BIN): $(CLI_OBJS) $(RUNNER_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS) -lpthread

ALL_TARGETS += $(RUNNER_A) $(RUNNER_SO) $(GUESTPLUG_BIN)
