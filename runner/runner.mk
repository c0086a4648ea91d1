# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug-run (static for the CLI, shared for the Python front) and the CLI.

RUNNER_LIB_SRCS := $(filter-out runner/main.c,$(wildcard runner/*.c))
RUNNER_OBJS := $(RUNNER_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
RUNNER_A := $(BUILD)/lib/libguestplug-run.a
RUNNER_SO := $(BUILD)/lib/libguestplug-run.so
GUESTPLUG_BIN := $(BUILD)/bin/guestplug

$(BUILD)/obj/runner/%.o $(BUILD)/obj-asan/runner/%.o: OBJ_CFLAGS = -Irunner -fvisibility=hidden $(RUNNER_CFLAGS)

$(RUNNER_A): $(RUNNER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(RUNNER_SO): $(RUNNER_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libguestplug-run.so -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS)

$(GUESTPLUG_BIN): $(BUILD)/obj/runner/main.o $(RUNNER_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS) -lpthread

ALL_TARGETS += $(RUNNER_A) $(RUNNER_SO) $(GUESTPLUG_BIN)
