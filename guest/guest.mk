# SPDX-License-Identifier: GPL-2.0-or-later
# Guest programs: static, built per guest architecture with Debian's cross
# compilers. An architecture whose compiler is missing is skipped quietly
# (scripts/setup installs them all).

GUEST_CC_x86_64 := x86_64-linux-gnu-gcc
GUEST_CC_i386 := i686-linux-gnu-gcc
GUEST_CC_aarch64 := aarch64-linux-gnu-gcc
GUEST_CC_arm := arm-linux-gnueabihf-gcc
GUEST_CC_mips := mips-linux-gnu-gcc
GUEST_CC_mipsel := mipsel-linux-gnu-gcc
GUEST_CC_mips64el := mips64el-linux-gnuabi64-gcc
GUEST_ARCHES_ALL := x86_64 i386 aarch64 arm mips mipsel mips64el
GUEST_ARCHES := $(foreach a,$(GUEST_ARCHES_ALL),$(if $(shell command -v $(GUEST_CC_$(a))),$(a)))
GUEST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) -Os -static -Iinclude

# GUEST_PLUGINS holds DIR/NAME; the program is built from DIR/NAME/*.c.
define guest_plugin_rule
$(BUILD)/guest/$(1)/$(notdir $(2)): $(wildcard $(2)/*.c) $(wildcard $(2)/*.h)
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(GUEST_CFLAGS) -o $$@ $$(filter %.c,$$^)
endef
$(foreach a,$(GUEST_ARCHES),$(foreach p,$(GUEST_PLUGINS),\
	$(eval $(call guest_plugin_rule,$(a),$(p)))))

GUEST_PLUGIN_BINS := $(foreach a,$(GUEST_ARCHES),$(foreach p,$(GUEST_PLUGINS),\
	$(BUILD)/guest/$(a)/$(notdir $(p))))
ALL_TARGETS += $(GUEST_PLUGIN_BINS)
