# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of dbdev.ko and the test targets.  See README.md.
#
#   make            build dbdev.ko with W=1 against the installed 6.1 headers
#                   (or KDIR=/path/to/kernel/build)
#   make clean      remove the module build products
#   make check      checkpatch, sparse, kernel-doc, build-6.1, build-6.12,
#                   that make clean removes only what make built, and docs
#   make htmldocs   Documentation/ as HTML (Sphinx, with kernel-doc), into
#                   /var/cache/dbdev/htmldocs
#   make build-6.1 / make build-6.12 / make checkpatch / ...: one check step
#   make kunit      the KUnit suites under UML (KASAN, lockdep, ...)
#   make vmtest     the selftests, dbdevctl's scripts and 20 s of the fuzzer
#                   with dbdev loaded: in QEMU on 6.1 and 6.12, and in the
#                   UML kernel
#   make stress     the selftests, the allocation-failure and memory cgroup
#                   tests, the fuzzer, DBDEV_KVM_RUN's selftests and the
#                   KUnit suites (as a module) on a 6.1 kernel built with
#                   KASAN, lockdep, kmemleak and fault injection, with two
#                   vCPUs (tools/stress.sh; builds that kernel the first
#                   time)
#   make fuzz       the fuzzer (tools/fuzz) in QEMU on 6.1 and 6.12 and in
#                   the UML kernel: SECONDS=N per kernel (600 unless
#                   given), SEED=N (random unless given; the log names it)
#   make kvmtest    DBDEV_KVM_RUN's selftests and the VMM's guests (the
#                   real-mode ones, Linux on one and two vCPUs) in QEMU with
#                   nested KVM
#   make bench      the benchmarks: dispatch beside three other lookups,
#                   updates, memory and the allocator in UML and (as a
#                   module) in the SMP distro kernels, then guest accesses
#                   under nested KVM
#   make test       deps, check, install (tools/installtest.sh), kunit,
#                   vmtest and kvmtest; ends with
#                   "N passed, N failed"
#   make demo       the KVM demo: Debian's kernel boots as a guest whose
#                   console is dbdev's UART, served in the kernel under
#                   DBDEV_KVM_RUN and interrupting the guest, under nested
#                   KVM in a QEMU VM
#   make vmm        the demo's VMM, its guests and the Linux guest's
#                   initramfs (tools/vmm)
#   make install    the modules, for the kernel of KDIR, into
#                   /lib/modules/RELEASE/updates/dbdev (then depmod); the
#                   uapi headers into PREFIX/include/linux; for building
#                   drivers against dbdev, PREFIX/lib/dbdev: the kernel API
#                   headers, dbdev.kbuild and the kernel's Module.symvers;
#                   dbdevctl, its man page and bash completion; the udev
#                   rule giving /dev/dbdev to the kvm group.  PREFIX
#                   defaults to /usr; DESTDIR stages it (and skips depmod)
#   make uninstall  remove all of that (the modules of KDIR's kernel)
#   make dkms-source  the module sources and dkms.conf into
#                   DESTDIR/usr/src/dbdev-VERSION, for `dkms install`
#   make deps       install missing Debian packages, prepare the cache

KDIR ?= $(shell tools/kdir.sh 6.1)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_DBDEV=m CONFIG_DBDEV_TEST_TYPE=m \
	 CONFIG_DBDEV_SAMPLES=m W=1

CHECKS := checkpatch sparse kernel-doc build-6.1 build-6.12 docs

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
PREFIX ?= /usr
# The kernel's release, as uname -r and a module's Kbuild file see it
# (`make kernelrelease` in Debian's 6.1 headers says otherwise).
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	 $(KDIR)/include/generated/utsrelease.h)
MODDIR = $(DESTDIR)/lib/modules/$(KVER)/updates/dbdev
LIBDIR = $(DESTDIR)$(PREFIX)/lib/dbdev
KOS := dbdev.ko dbdev_testdev.ko samples/dbdev_uart.ko samples/dbdev_regs.ko
UAPI := include/uapi/linux/dbdev.h include/uapi/linux/dbdev_samples.h

all: modules

modules: kdir
	+$(KBUILD) $@

# Not kbuild's clean: for an external module it removes every *.[aios]
# below M=, the VMM's guest sources in tools/ included.
BUILD_DIRS := . samples kunit
clean:
	rm -f $(foreach d,$(BUILD_DIRS),$(addprefix $(d)/,*.o .*.o *.ko *.mod \
		*.mod.c .*.cmd .*.d)) modules.order Module.symvers

kdir:
	@test -d "$(KDIR)" || { echo "No kernel build tree '$(KDIR)':" \
		"install the headers (tools/deps.sh) or pass KDIR=" >&2; exit 1; }

check:
	@tools/check.sh

htmldocs: docs
	@bash -c '. tools/lib.sh && echo "HTML in $$CACHE/htmldocs/index.html"'

$(CHECKS):
	@tools/check.sh $@

bench:
	@tools/bench.sh

kunit:
	@tools/kunit.sh

vmtest:
	@tools/vmtest.sh

kvmtest:
	@tools/kvmtest.sh

stress:
	@tools/stress.sh

SECONDS ?= 600
SEED ?= $(strip $(shell od -An -N4 -tu4 /dev/urandom))
fuzz:
	@FUZZ_SECONDS=$(SECONDS) FUZZ_SEED=$(SEED) \
		DBDEV_VM_TIMEOUT=$$(($(SECONDS) + 300)) tools/vmtest.sh fuzz

test:
	@tools/test.sh

deps:
	@tools/deps.sh

demo:
	@tools/demo.sh

vmm:
	$(MAKE) -C tools/vmm

install: modules
	$(MAKE) -C tools/dbdevctl
	install -d $(MODDIR) $(DESTDIR)$(PREFIX)/include/linux \
		$(LIBDIR)/include/uapi/linux $(LIBDIR)/symvers/$(KVER)
	install -m 644 $(KOS) $(MODDIR)
	install -m 644 $(UAPI) $(DESTDIR)$(PREFIX)/include/linux
	install -m 644 $(UAPI) $(LIBDIR)/include/uapi/linux
	install -m 644 include/dbdev.h $(LIBDIR)/include
	install -m 644 include/dbdev.kbuild $(LIBDIR)
	install -m 644 Module.symvers $(LIBDIR)/symvers/$(KVER)
	install -D -m 755 tools/dbdevctl/dbdevctl $(DESTDIR)$(PREFIX)/sbin/dbdevctl
	install -D -m 644 tools/dbdevctl/dbdevctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/dbdevctl.8
	install -D -m 644 tools/dbdevctl/dbdevctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dbdevctl
	install -D -m 644 tools/udev/65-dbdev.rules \
		$(DESTDIR)$(PREFIX)/lib/udev/rules.d/65-dbdev.rules
	$(if $(DESTDIR),,depmod $(KVER))

DKMS_SRC = $(DESTDIR)/usr/src/dbdev-$(VERSION)
dkms-source:
	install -d $(DKMS_SRC)
	cp --parents Kbuild Kconfig Makefile dkms.conf LICENSE \
		$(filter-out %.mod.c,$(wildcard *.[ch] samples/*.c kunit/*.c)) \
		include/dbdev.h include/dbdev.kbuild $(UAPI) $(DKMS_SRC)

uninstall: kdir
	rm -rf $(MODDIR) $(LIBDIR)
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/linux/,$(notdir $(UAPI))) \
		$(DESTDIR)$(PREFIX)/sbin/dbdevctl \
		$(DESTDIR)$(PREFIX)/share/man/man8/dbdevctl.8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/dbdevctl \
		$(DESTDIR)$(PREFIX)/lib/udev/rules.d/65-dbdev.rules
	$(if $(DESTDIR),,depmod $(KVER))

.PHONY: all modules clean kdir check $(CHECKS) htmldocs bench kunit vmtest kvmtest fuzz stress \
	test deps \
	demo vmm install uninstall dkms-source
