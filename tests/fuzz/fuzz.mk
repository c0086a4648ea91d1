# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer targets (clang) for what a hostile guest controls: the hypercall
# dispatcher, the guest_daemon frame parser and the x86, aarch64 and arm
# page walks (each against a reference walk). tests/integration/fuzz.sh
# runs each for a bounded time; `make fuzz` builds them.
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Iinclude -Icore $(GLIB_CFLAGS)
FUZZ_TARGETS := $(BUILD)/fuzz/fuzz_hypercall $(BUILD)/fuzz/fuzz_daemon_report \
	$(BUILD)/fuzz/fuzz_x86_paging $(BUILD)/fuzz/fuzz_aarch64_paging $(BUILD)/fuzz/fuzz_arm_paging

$(BUILD)/fuzz/fuzz_hypercall: tests/fuzz/fuzz_hypercall.c core/hypercall.c core/channel_table.c \
		core/channel_owners.c core/token.c core/callback_context.c core/guest_log.c \
		core/manager.c core/log.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(GLIB_LIBS)
# The page walks' targets share their harness (paging_fuzz.c).
PAGING_FUZZ := tests/fuzz/paging_fuzz.c tests/fuzz/paging_fuzz.h
$(BUILD)/fuzz/fuzz_x86_paging: tests/fuzz/fuzz_x86_paging.c core/arch/x86_paging.c \
		$(PAGING_FUZZ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(GLIB_LIBS)
$(BUILD)/fuzz/fuzz_aarch64_paging: tests/fuzz/fuzz_aarch64_paging.c core/arch/aarch64_paging.c \
		core/arch/arm_long_descriptor.c $(PAGING_FUZZ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(GLIB_LIBS)
$(BUILD)/fuzz/fuzz_arm_paging: tests/fuzz/fuzz_arm_paging.c core/arch/arm_paging.c \
		core/arch/arm_long_descriptor.c core/arch/arm_short_descriptor.c $(PAGING_FUZZ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(GLIB_LIBS)
$(BUILD)/fuzz/fuzz_daemon_report: tests/fuzz/fuzz_daemon_report.c core/daemon_protocol.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(GLIB_LIBS)

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)
ifneq ($(shell command -v $(FUZZ_CC)),)
ALL_TARGETS += $(FUZZ_TARGETS)
endif
