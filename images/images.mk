# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug-image: the generic image builder, beside the recipes it reads
# (packages, exclude, setup, overlay/, debian/). A static library only: the
# runner links it into libguestplug-run (runner/runner.mk) and calls it
# through image.h and userland.h; its own references to the runner (the
# architecture table, the error domain, the cache and data paths; image.h
# says why) are resolved there.
IMAGE_SRCS := $(wildcard images/*.c)
IMAGE_OBJS := $(IMAGE_SRCS:%.c=$(BUILD)/obj/%.o)
IMAGE_A := $(BUILD)/lib/libguestplug-image.a

$(BUILD)/obj/images/%.o $(BUILD)/obj-asan/images/%.o: OBJ_CFLAGS = -Iimages -Irunner \
	-fvisibility=hidden $(RUNNER_CFLAGS)

$(IMAGE_A): $(IMAGE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(IMAGE_A)
