// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev_test: userspace selftests of the /dev/dbdev ABI
 * (include/uapi/linux/dbdev.h), with the "dbdev-test" device types (the
 * module dbdev_testdev), and the samples' for their state.
 *
 * Output is kselftest-style TAP.  Every test runs in a child process of
 * its own (a crash fails that test only) and opens its own contexts on
 * /dev/dbdev, or on $DBDEV_PATH.  If that cannot be opened, every test
 * fails.  Exit status 0 only if all tests pass.
 *
 * Usage: dbdev_test [NAME...]   (run only the tests named)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dbdev.h>
#include <linux/dbdev_samples.h>
#include <linux/userfaultfd.h>

#include "harness.h"

#define CON(t, s)	((struct dbdev_uconstraint){ .type = (t), .size = (s) })

#define TEST_MMIO	0x10000000ULL
#define TEST_MMIO_SIZE	0x1000ULL
#define TEST_PIO	0x3f8ULL
#define TEST_PIO_SIZE	8ULL

/* The usual test device: MMIO TEST_MMIO and ports TEST_PIO */
static int create_std(int fd, uint32_t *id)
{
	struct dbdev_uresource r[] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE),
		RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};

	return create_res(fd, r, ARRAY_SIZE(r), id);
}

static void io_init(struct dbdev_io_one *a, int bus, int dir, int size,
		    uint32_t count, uint64_t addr, void *data)
{
	memset(a, 0, sizeof(*a));
	a->argsz = sizeof(*a);
	a->io.bus = bus;
	a->io.dir = dir;
	a->io.size = size;
	a->io.count = count;
	a->io.addr = addr;
	a->io.data = (uintptr_t)data;
	a->io.result = 0x7777;	/* must be overwritten */
	a->io.done = 0x7777;
}

/* One access: the ioctl's -errno; the access's outcome in *io. */
static int do_io(int fd, int bus, int dir, int size, uint32_t count,
		 uint64_t addr, void *data, struct dbdev_io *io)
{
	struct dbdev_io_one a;
	int err;

	io_init(&a, bus, dir, size, count, addr, data);
	err = xioctl(fd, DBDEV_IO, &a);
	if (io)
		*io = a.io;
	return err;
}

/* The outcome of one simple access: the ioctl's -errno or io.result */
static int io_result(int fd, int bus, int dir, int size, uint64_t addr,
		     void *data)
{
	struct dbdev_io io;
	int err = do_io(fd, bus, dir, size, 1, addr, data, &io);

	return err ? err : io.result;
}

/* Read a 4-byte MMIO register: io.result, the value in *val */
static int mmio_read32(int fd, uint64_t addr, uint32_t *val)
{
	*val = 0xdeadbeef;
	return io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, addr, val);
}

#define LIST_MAX	8

struct test_list {
	uint32_t nr_devices, nr_resources;
	struct dbdev_device_info d[LIST_MAX];
	struct dbdev_uresource r[LIST_MAX * 8];
};

/* List the devices: -errno, or 0 */
static int list_devs(int fd, struct test_list *l)
{
	struct dbdev_list_devices a = {
		.argsz = sizeof(a),
		.nr_devices = LIST_MAX, .nr_resources = LIST_MAX * 8,
		.devices = (uintptr_t)l->d, .resources = (uintptr_t)l->r,
	};
	int err;

	memset(l, 0x5a, sizeof(*l));
	err = xioctl(fd, DBDEV_LIST_DEVICES, &a);
	l->nr_devices = a.nr_devices;
	l->nr_resources = a.nr_resources;
	return err;
}

/* How many devices the context lists (-errno on failure) */
static int nr_devs(int fd)
{
	struct dbdev_list_devices a = { .argsz = sizeof(a) };
	int err = xioctl(fd, DBDEV_LIST_DEVICES, &a);

	if (err && err != -E2BIG)
		return err;
	return a.nr_devices;
}

/* Check one logged access */
#define CHECK_LOG(a, _bus, _dir, _len, _base, _off, _data, _seq) do {	\
	CHECK((a)->bus, _bus);						\
	CHECK((a)->dir, _dir);						\
	CHECK((a)->len, _len);						\
	CHECK((a)->reserved, 0);					\
	CHECK((a)->base, _base);					\
	CHECK((a)->offset, _off);					\
	CHECK((a)->data, _data);					\
	CHECK((a)->seq, _seq);						\
} while (0)

/* ------------------------------------------------------------------------
 * 1. Creating with explicit resources, and listing
 */
static void test_create_explicit(void)
{
	struct dbdev_uresource in[] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE),
		RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};
	struct dbdev_uresource out[4];
	struct dbdev_device_info info[2];
	struct dbdev_uresource lres[4];
	struct dbdev_list_devices l;
	struct dbdev_create_device c;
	int fd;

	OPEN_CTX(fd);
	memset(out, 0x5a, sizeof(out));
	create_init(&c, 0, in, 2, out, 4);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(c.id != 0, 1);
	CHECK(c.nr_assigned, 2);
	CHECK(c.conflict_id, 0);
	CHECK_MEM(out, in, sizeof(in));

	/* two calls: the counts, then the lists */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	CHECK(ioctl(fd, DBDEV_LIST_DEVICES, &l), -1);
	CHECK(errno, E2BIG);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 2);

	memset(info, 0x5a, sizeof(info));
	memset(lres, 0x5a, sizeof(lres));
	l.nr_devices = 2;
	l.nr_resources = 4;
	l.devices = (uintptr_t)info;
	l.resources = (uintptr_t)lres;
	REQUIRE(xioctl(fd, DBDEV_LIST_DEVICES, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 2);
	CHECK(info[0].id, c.id);
	CHECK(info[0].nr_resources, 2);
	CHECK(info[0].first_resource, 0);
	CHECK(info[0].flags, 0);
	CHECK(strcmp(info[0].type, DBDEV_TEST_TYPE), 0);
	CHECK_MEM(lres, in, sizeof(in));
	close(fd);
}

/* ------------------------------------------------------------------------
 * 2. Creating with constraints: the allocator's defaults
 */
static void check_res(const struct dbdev_uresource *r, uint32_t type,
		      uint32_t msi_type, uint64_t base, uint64_t size)
{
	CHECK(r->type, type);
	CHECK(r->msi_type, msi_type);
	CHECK(r->base, base);
	CHECK(r->size, size);
	CHECK(r->reserved, 0);
}

static void test_create_constraints(void)
{
	struct dbdev_uconstraint con[] = {
		CON(DBDEV_UC_MMIO, 0x1000),
		CON(DBDEV_UC_PIO, 8),
		CON(DBDEV_UC_LEGACY_IRQ, 0),
		CON(DBDEV_UC_PCI_MSI, 4),
		CON(DBDEV_UC_KVM_SLOT, 2),
		CON(DBDEV_UC_MAC, 0),
	};
	struct dbdev_uconstraint con2[] = {
		CON(DBDEV_UC_MMIO, 0x1000),
		CON(DBDEV_UC_LEGACY_IRQ, 1),
	};
	struct dbdev_uresource out[8];
	struct dbdev_create_device c;
	struct test_list l;
	uint32_t id1;
	int fd;

	OPEN_CTX(fd);
	memset(out, 0x5a, sizeof(out));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, ARRAY_SIZE(con), out, 8);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	id1 = c.id;
	CHECK(id1 != 0, 1);
	REQUIRE(c.nr_assigned, 7);
	check_res(&out[0], DBDEV_UR_MMIO, 0, 0xd0000000, 0x1000);
	check_res(&out[1], DBDEV_UR_PIO, 0, 0, 8);
	check_res(&out[2], DBDEV_UR_LEGACY_IRQ, 0, 5, 0);
	check_res(&out[3], DBDEV_UR_MSI, DBDEV_UMSI_PCI, 24, 4);
	check_res(&out[4], DBDEV_UR_KVM_SLOT, 0, 0, 0);
	check_res(&out[5], DBDEV_UR_KVM_SLOT, 0, 1, 0);
	check_res(&out[6], DBDEV_UR_MAC, 0, 0x02dbde000000ULL, 0);

	memset(out, 0x5a, sizeof(out));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con2, ARRAY_SIZE(con2), out, 8);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(c.id != 0 && c.id != id1, 1);
	REQUIRE(c.nr_assigned, 2);
	check_res(&out[0], DBDEV_UR_MMIO, 0, 0xd0001000, 0x1000);
	check_res(&out[1], DBDEV_UR_LEGACY_IRQ, 0, 6, 0);

	/* the list has what the creations answered, in id order */
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 2);
	CHECK(l.nr_resources, 9);
	CHECK(l.d[0].id, id1);
	CHECK(l.d[1].id, c.id);
	CHECK(l.d[1].first_resource, 7);
	CHECK_MEM(&l.r[7], out, 2 * sizeof(out[0]));
	close(fd);
}

/* 2b. A constraint window is placed where it meets a pool of its kind */
static void test_create_window(void)
{
	struct dbdev_uconstraint k = CON(DBDEV_UC_MMIO, 0x1000);
	struct dbdev_create_device c;
	struct dbdev_uresource out;
	int fd;

	OPEN_CTX(fd);
	/* the 32-bit MMIO pool starts at 0xd0000000 */
	k.flags = DBDEV_UC_WINDOW;
	k.min = 0xc0000000;
	k.max = 0xd0000fff;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &k, 1, &out, 1);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(out.type, DBDEV_UR_MMIO);
	CHECK(out.base, 0xd0000000);
	CHECK(out.size, 0x1000);
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &k, 1, &out, 1);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -ENOSPC);
	k.max = 0xcfffffff;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &k, 1, &out, 1);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EINVAL);
	CHECK(nr_devs(fd), 1);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 3. Injected I/O reaches the device and its log
 */
static void test_io_basic(void)
{
	uint32_t id, v32 = 0x11223344, r32;
	uint8_t v8 = 0xab, r8 = 0;
	struct test_log log;
	struct dbdev_io io;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO + 0x10,
		      &v32, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 1);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x10, &r32), 0);
	CHECK(r32, 0x11223344);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x20, &r32), 0);
	CHECK(r32, 0);

	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 1, TEST_PIO + 1,
		      &v8, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 1);
	CHECK(io_result(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO + 1, &r8), 0);
	CHECK(r8, 0xab);

	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 5);
	CHECK(log.head.dropped, 0);
	CHECK(log.head.reads, 3);
	CHECK(log.head.writes, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 0x10, 0x11223344, 0);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x10, 0x11223344, 1);
	CHECK_LOG(&log.e[2], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x20, 0, 2);
	CHECK_LOG(&log.e[3], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 1, 0xab, 3);
	CHECK_LOG(&log.e[4], DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, 1, 0xab, 4);

	/* drained */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.dropped, 0);
	CHECK(log.head.reads, 3);
	CHECK(log.head.writes, 2);
	close(fd);
}

/*
 * An access's data at every size and every misalignment of the caller's
 * buffer, both ways: the bytes arrive as they were, in order, and the
 * bytes around them stay as they were.  The argument structure at any
 * misalignment is taken as at an aligned address.
 */
static void test_io_sizes(void)
{
	static const int sizes[] = { 1, 2, 3, 4, 8 };
	uint8_t buf[32], back[32];
	unsigned int s, mis, i;
	struct dbdev_io io;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (mis = 0; mis < 8; mis++) {
			int size = sizes[s];
			uint64_t addr = TEST_MMIO + 0x100 + mis * 8;

			for (i = 0; i < sizeof(buf); i++)
				buf[i] = 0x11 * (s + 1) + 7 * mis + i;
			REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, size,
				      1, addr, buf + mis, &io), 0);
			CHECK(io.result, 0);
			memset(back, 0xee, sizeof(back));
			REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, size,
				      1, addr, back + mis, &io), 0);
			CHECK(io.result, 0);
			CHECK(io.done, 1);
			for (i = 0; i < sizeof(back); i++) {
				int inside = i >= mis && i < mis + size;

				CHECK(back[i], inside ? buf[i] : 0xee);
			}
		}
	}
	/* and the argument itself at every misalignment */
	for (mis = 0; mis < 8; mis++) {
		uint8_t raw[sizeof(struct dbdev_io_one) + 8];
		uint32_t val = 0x12345670 + mis;
		struct dbdev_io_one a;

		io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1,
			TEST_MMIO + 0x200, &val);
		memcpy(raw + mis, &a, sizeof(a));
		REQUIRE(xioctl(fd, DBDEV_IO, raw + mis), 0);
		val = 0;
		io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1,
			TEST_MMIO + 0x200, &val);
		memcpy(raw + mis, &a, sizeof(a));
		REQUIRE(xioctl(fd, DBDEV_IO, raw + mis), 0);
		memcpy(&a, raw + mis, sizeof(a));
		CHECK(a.io.device, 1);
		CHECK(a.io.result, 0);
		CHECK(a.io.done, 1);
		CHECK(val, 0x12345670 + mis);
	}
	close(fd);
}

/* ------------------------------------------------------------------------
 * 4. Accesses nobody serves, or that run past a range
 */
static void test_io_errors(void)
{
	uint64_t buf = 0;
	struct test_log log;
	struct dbdev_io io;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, 0x20000000, &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO + TEST_MMIO_SIZE,
		      &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, 0x80, &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);

	/* starts inside, ends outside */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1,
		      TEST_MMIO + TEST_MMIO_SIZE - 2, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 8, 1,
		      TEST_MMIO + TEST_MMIO_SIZE - 1, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 2, 1,
		      TEST_PIO + TEST_PIO_SIZE - 1, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);

	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.reads, 0);
	CHECK(log.head.writes, 0);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 5. String (rep) I/O
 */
static void test_io_string(void)
{
	uint8_t bytes[5] = { 1, 2, 3, 4, 5 }, rd[3];
	uint32_t words[3] = { 0xa1a2a3a4, 0xb1b2b3b4, 0xc1c2c3c4 }, rw[4];
	struct test_log log;
	struct dbdev_io io;
	uint32_t id;
	int fd, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	/* port I/O: every element to the same port */
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 5, TEST_PIO, bytes, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 5);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 5);
	for (i = 0; i < 5; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 0,
			  bytes[i], i);

	/* MMIO: element i at addr + i * size */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3, TEST_MMIO, words, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 3);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 3);
	for (i = 0; i < 3; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
			  4 * i, words[i], 5 + i);

	/* port reads: the byte at offset 0 (the MMIO write's first) each time */
	memset(rd, 0, sizeof(rd));
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 3, TEST_PIO, rd, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 3);
	for (i = 0; i < 3; i++)
		CHECK(rd[i], 0xa4);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 3);
	for (i = 0; i < 3; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, 0,
			  0xa4, 8 + i);

	/* running into an unowned area: stops there */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3,
		      TEST_MMIO + TEST_MMIO_SIZE - 8, words, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 2);
	memset(rw, 0x5a, sizeof(rw));
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 4,
		      TEST_MMIO + TEST_MMIO_SIZE - 8, rw, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 2);
	CHECK(rw[0], words[0]);
	CHECK(rw[1], words[1]);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 4);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 8, words[0], 11);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 4, words[1], 12);
	CHECK_LOG(&log.e[2], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 8, words[0], 13);
	CHECK_LOG(&log.e[3], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 4, words[1], 14);
	CHECK(log.head.reads, 5);
	CHECK(log.head.writes, 10);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 6. Malformed accesses fail the ioctl
 */
static void test_io_malformed(void)
{
	static uint8_t buf[8 * 1024];
	struct dbdev_io_one a;
	struct test_log log;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

#define BAD_IO(setup, err) do {						\
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, buf);	\
	setup;								\
	CHECK(xioctl(fd, DBDEV_IO, &a), err);				\
	CHECK(a.io.result, 0x7777);					\
} while (0)
	BAD_IO(a.io.size = 0, -EINVAL);
	BAD_IO(a.io.size = 9, -EINVAL);
	BAD_IO(a.io.count = 0, -EINVAL);
	BAD_IO(a.io.bus = 2, -EINVAL);
	BAD_IO(a.io.dir = 2, -EINVAL);
	BAD_IO(a.io.device = 1, -EINVAL);
	BAD_IO(a.flags = 1, -EINVAL);
	BAD_IO(a.flags = 0x80000000, -EINVAL);
	BAD_IO((a.io.bus = DBDEV_IO_PIO, a.io.size = 1, a.io.addr = 0x10000), -EINVAL);
	BAD_IO((a.io.bus = DBDEV_IO_PIO, a.io.size = 1, a.io.addr = ~0ULL), -EINVAL);
	/* MMIO elements whose addresses wrap */
	BAD_IO((a.io.addr = UINT64_MAX - 7, a.io.count = 3), -EINVAL);
	BAD_IO((a.io.addr = UINT64_MAX, a.io.size = 1, a.io.count = 2), -EINVAL);
	BAD_IO((a.io.size = 8, a.io.count = 513), -E2BIG);
	BAD_IO((a.io.size = 1, a.io.count = 4097), -E2BIG);
	BAD_IO((a.io.size = 8, a.io.count = 0x20000000), -E2BIG);
	BAD_IO((a.io.size = 8, a.io.count = UINT32_MAX), -E2BIG);
#undef BAD_IO

	/* nothing reached the device */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.reads + log.head.writes, 0);

	/* the limits themselves are fine */
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, UINT64_MAX - 3, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	io_init(&a, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, 0xffff, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 2, UINT64_MAX - 7, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);

	/*
	 * An access that runs past the end of its address space is not
	 * malformed: as through the kernel API, it is -ERANGE (or -ENODEV)
	 */
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, UINT64_MAX - 2, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	io_init(&a, DBDEV_IO_PIO, DBDEV_IO_READ, 2, 1, 0xffff, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	{
		struct dbdev_uresource top[] = {
			RES_MMIO(UINT64_MAX - 0xfff, 0x1000),
			RES_PIO(0xfff0, 0x10),
		};

		REQUIRE(create_res(fd, top, 2, NULL), 0);
	}
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 2, 1, UINT64_MAX, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ERANGE);
	CHECK(a.io.device, 0);
	io_init(&a, DBDEV_IO_PIO, DBDEV_IO_WRITE, 2, 1, 0xffff, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ERANGE);
	CHECK(a.io.device, 0);
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 1, 1, UINT64_MAX, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, 0);
	CHECK(a.io.device, 1);
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 8, 512, TEST_MMIO, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, 0);
	CHECK(a.io.done, 512);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 7. Batches
 */
static void test_io_batch(void)
{
	uint32_t wval = 0xcafef00d, rval = 0, junk[4] = { 0 };
	struct dbdev_io ios[DBDEV_BATCH_MAX + 1];
	struct dbdev_io_batch b;
	struct test_log log;
	uint32_t id;
	int fd, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	memset(ios, 0, sizeof(ios));
	for (i = 0; i < (int)ARRAY_SIZE(ios); i++) {
		ios[i] = (struct dbdev_io){
			.bus = DBDEV_IO_MMIO, .dir = DBDEV_IO_READ, .size = 4,
			.count = 1, .addr = TEST_MMIO + 0x200,
			.data = (uintptr_t)junk, .result = 0x7777, .done = 0x7777,
		};
	}
	ios[0].dir = DBDEV_IO_WRITE;
	ios[0].addr = TEST_MMIO + 0x100;
	ios[0].data = (uintptr_t)&wval;
	ios[1].addr = TEST_MMIO + 0x100;
	ios[1].data = (uintptr_t)&rval;
	ios[2].addr = 0x20000000;

	b = (struct dbdev_io_batch){ .argsz = sizeof(b), .nr = 3,
				     .ios = (uintptr_t)ios };
	REQUIRE(xioctl(fd, DBDEV_IO_BATCH, &b), 0);
	CHECK(ios[0].result, 0);
	CHECK(ios[0].done, 1);
	CHECK(ios[1].result, 0);
	CHECK(ios[1].done, 1);
	CHECK(ios[2].result, -ENODEV);
	CHECK(ios[2].done, 0);
	CHECK(rval, 0xcafef00d);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 0x100, 0xcafef00d, 0);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x100, 0xcafef00d, 1);

	b.nr = 0;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	b.nr = DBDEV_BATCH_MAX + 1;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -E2BIG);
	b.nr = 3;
	b.reserved = 1;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	b.reserved = 0;

	/* the full batch is fine */
	for (i = 0; i < DBDEV_BATCH_MAX; i++) {
		ios[i] = ios[3];
		ios[i].result = 0x7777;
	}
	b.nr = DBDEV_BATCH_MAX;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), 0);
	CHECK(ios[0].result, 0);
	CHECK(ios[DBDEV_BATCH_MAX - 1].result, 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, LOG_MAX);
	CHECK(log.head.reads, 1 + DBDEV_BATCH_MAX);
	CHECK(log.head.dropped, 0);
	for (i = 0; i < 10 && log.head.nr; i++)		/* drain the rest */
		REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);

	/* one malformed access: none runs, nothing is written back */
	for (i = 0; i < 4; i++) {
		ios[i] = ios[DBDEV_BATCH_MAX];
		ios[i].dir = DBDEV_IO_WRITE;
		ios[i].result = 0x7777;
	}
	ios[2].size = 0;
	b.nr = 4;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	ios[2].size = 4;
	ios[3].bus = 7;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	ios[3].bus = DBDEV_IO_MMIO;
	ios[1].count = 2000;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -E2BIG);
	for (i = 0; i < 4; i++)
		CHECK(ios[i].result, 0x7777);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.writes, 1);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 8. Conflicts: what is in the way, and whose it is
 */
static void test_conflicts(void)
{
	struct dbdev_uconstraint irq = CON(DBDEV_UC_LEGACY_IRQ, 0);
	struct dbdev_uresource r, out[4];
	struct dbdev_create_device c;
	uint32_t a, b;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &a), 0);

	/* an MMIO range overlapping device a's */
	r = RES_MMIO(TEST_MMIO + 0x800, 0x1000);
	create_init(&c, 0, &r, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EEXIST);
	CHECK(c.conflict_id, a);
	check_res(&c.conflict, DBDEV_UR_MMIO, 0, TEST_MMIO, TEST_MMIO_SIZE);
	CHECK(c.id, 0);

	/* overlapping from below, on the port bus */
	r = RES_PIO(TEST_PIO - 4, 5);
	create_init(&c, 0, &r, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EEXIST);
	CHECK(c.conflict_id, a);
	check_res(&c.conflict, DBDEV_UR_PIO, 0, TEST_PIO, TEST_PIO_SIZE);

	/* a fixed IRQ that another device holds */
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	b = c.id;
	REQUIRE(c.nr_assigned, 1);
	check_res(&out[0], DBDEV_UR_LEGACY_IRQ, 0, 5, 0);

	irq.flags = DBDEV_UC_FIXED;
	irq.fixed = 5;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EBUSY);
	CHECK(c.conflict_id, b);
	check_res(&c.conflict, DBDEV_UR_LEGACY_IRQ, 0, 5, 0);
	CHECK(c.id, 0);

	/* a fixed IRQ that is free is fine */
	irq.fixed = 7;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	check_res(&out[0], DBDEV_UR_LEGACY_IRQ, 0, 7, 0);

	/* the refused ones left nothing behind */
	CHECK(nr_devs(fd), 3);
	r = RES_MMIO(TEST_MMIO + TEST_MMIO_SIZE, 0x1000);
	CHECK(create_res(fd, &r, 1, NULL), 0);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 9. Transactions
 */
static int tx(int fd, unsigned long req)
{
	return xioctl(fd, req, NULL);
}

static void test_transactions(void)
{
	struct test_list l;
	struct test_log log;
	uint32_t id, v;
	int fd;

	OPEN_CTX(fd);

	/* a creation shows at the commit */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(create_std(fd, &id), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), -ENODEV);
	REQUIRE(list_devs(fd, &l), 0);
	REQUIRE(l.nr_devices, 1);
	CHECK(l.d[0].id, id);
	CHECK(l.d[0].flags, DBDEV_INFO_TX_ADDED);
	CHECK(l.nr_resources, 2);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(v, 0);
	REQUIRE(list_devs(fd, &l), 0);
	REQUIRE(l.nr_devices, 1);
	CHECK(l.d[0].flags, 0);

	/* a destruction too */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, id), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(destroy_dev(fd, id), -ENOENT);
	CHECK(read_log(fd, id, &log), 0);	/* there until the commit */
	CHECK(log.head.nr, 2);		/* the two reads */
	REQUIRE(list_devs(fd, &l), 0);
	REQUIRE(l.nr_devices, 1);
	CHECK(l.d[0].id, id);
	CHECK(l.d[0].flags, DBDEV_INFO_TX_REMOVED);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), -ENODEV);
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 0);
	CHECK(l.nr_resources, 0);

	/* a cancelled creation leaves nothing */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(tx(fd, DBDEV_TX_CANCEL), 0);
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), -ENODEV);
	CHECK(destroy_dev(fd, id), -ENOENT);

	/* a cancelled destruction leaves the device */
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, id), 0);
	REQUIRE(tx(fd, DBDEV_TX_CANCEL), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	REQUIRE(list_devs(fd, &l), 0);
	REQUIRE(l.nr_devices, 1);
	CHECK(l.d[0].id, id);
	CHECK(l.d[0].flags, 0);

	/* one at a time; none to end */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	CHECK(tx(fd, DBDEV_TX_BEGIN), -EBUSY);
	CHECK(tx(fd, DBDEV_TX_CANCEL), 0);
	CHECK(tx(fd, DBDEV_TX_COMMIT), -ENOENT);
	CHECK(tx(fd, DBDEV_TX_CANCEL), -ENOENT);

	/* no argument */
	CHECK(xioctl(fd, DBDEV_TX_BEGIN, (void *)1), -EINVAL);
	CHECK(tx(fd, DBDEV_TX_COMMIT), -ENOENT);	/* none was begun */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	CHECK(xioctl(fd, DBDEV_TX_COMMIT, &l), -EINVAL);
	CHECK(xioctl(fd, DBDEV_TX_CANCEL, (void *)-1L), -EINVAL);
	CHECK(tx(fd, DBDEV_TX_COMMIT), 0);		/* still open */
	close(fd);
}

/*
 * 9b. A device destroyed in an open transaction works until the commit:
 * I/O, its commands and LIST all see it
 */
static void test_tx_destroyed_alive(void)
{
	struct test_log log;
	struct test_list l;
	uint32_t id, v = 0x1234;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, id), 0);
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO + 8, &v), 0);
	CHECK(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 8,
		  0x1234, 0);
	CHECK(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.d[0].flags, DBDEV_INFO_TX_REMOVED);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(read_log(fd, id, &log), -ENOENT);
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO + 8, &v),
	      -ENODEV);
	CHECK(nr_devs(fd), 0);
	close(fd);
}

/* Create a dbdev-test device at port @port called @name: -errno or 0 */
static int create_named(int fd, uint16_t port, const char *name, uint32_t *id)
{
	struct dbdev_uresource r = RES_PIO(port, 1);
	struct dbdev_create_device c;
	int err;

	create_init(&c, 0, &r, 1, NULL, 0);
	memcpy(c.name, name, strnlen(name, sizeof(c.name)));
	err = xioctl(fd, DBDEV_CREATE_DEVICE, &c);
	if (id)
		*id = c.id;
	return err;
}

/* LIST with DBDEV_LIST_NAME: -errno, or 0 and the device's id */
static int find_named(int fd, const char *name, uint32_t *id)
{
	struct dbdev_device_info info;
	struct dbdev_uresource r[4];
	struct dbdev_list_devices l = {
		.argsz = sizeof(l), .flags = DBDEV_LIST_NAME,
		.nr_devices = 1, .nr_resources = 4,
		.devices = (uintptr_t)&info, .resources = (uintptr_t)r,
	};
	int err;

	memcpy(l.name, name, strnlen(name, sizeof(l.name)));
	memset(&info, 0x5a, sizeof(info));
	err = xioctl(fd, DBDEV_LIST_DEVICES, &l);
	if (!err) {
		CHECK(l.nr_devices, 1);
		CHECK(strncmp(info.name, name, sizeof(info.name)), 0);
		*id = info.id;
	}
	return err;
}

/*
 * 9c. Device names: shown by LIST, found by it, unique in a context (a
 * device destroyed in the open transaction keeps its name until the
 * commit), well formed
 */
static void test_names(void)
{
	static const char *const bad[] = {
		"a b", "a/b", "uart\n", "\xc3\xa9", "0123456789abcdef0123456789abcdef",
	};
	uint8_t buf[3 * 96];
	struct dbdev_list_devices l;
	struct dbdev_create_device c;
	struct dbdev_uresource r[4], one = RES_PIO(0x300, 1);
	struct dbdev_device_info *info;
	uint32_t id, a, b, found;
	unsigned int i;
	int fd, fd2;

	OPEN_CTX(fd);
	REQUIRE(create_named(fd, 0x60, "com1", &a), 0);
	REQUIRE(create_named(fd, 0x61, "", &id), 0);
	REQUIRE(create_named(fd, 0x62, "virtio-net.0:a_B", &b), 0);
	CHECK(find_named(fd, "com1", &found), 0);
	CHECK(found, a);
	CHECK(find_named(fd, "virtio-net.0:a_B", &found), 0);
	CHECK(found, b);
	CHECK(find_named(fd, "com2", &found), -ENOENT);
	CHECK(find_named(fd, "COM1", &found), -ENOENT);
	CHECK(create_named(fd, 0x63, "com1", &id), -ENOTUNIQ);
	CHECK(id, 0);
	/* names are per context */
	fd2 = open_ctx();
	REQUIRE(fd2 >= 0, 1);
	CHECK(find_named(fd2, "com1", &found), -ENOENT);
	CHECK(create_named(fd2, 0x60, "com1", &found), 0);
	close(fd2);

	/* malformed names, and the name field's tail */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		check_note = bad[i];
		CHECK(create_named(fd, 0x64, bad[i], &id), -EINVAL);
	}
	check_note = NULL;
	create_init(&c, 0, &one, 1, NULL, 0);
	strcpy(c.name, "ok");
	c.name[5] = 'x';
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EINVAL);
	create_init(&c, 0, &one, 1, NULL, 0);
	c.name[31] = 'x';
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EINVAL);
	CHECK(nr_devs(fd), 3);

	/* LIST: the name with DBDEV_LIST_NAME, none without */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.flags = DBDEV_LIST_NAME;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	strcpy(l.name, "a b");
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.flags = 0;
	strcpy(l.name, "com1");
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.flags = 2;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.flags = DBDEV_LIST_NAME;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -E2BIG);	/* no room */
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 1);

	/* entries info_size apart, each's tail zeroed */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.nr_devices = 3;
	l.nr_resources = 4;
	l.devices = (uintptr_t)buf;
	l.resources = (uintptr_t)r;
	l.info_size = DBDEV_DEVICE_INFO_SIZE_VER0 - 1;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.info_size = 4097;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -E2BIG);
	l.info_size = 96;
	memset(buf, 0x5a, sizeof(buf));
	REQUIRE(xioctl(fd, DBDEV_LIST_DEVICES, &l), 0);
	CHECK(l.nr_devices, 3);
	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "com1", "", "virtio-net.0:a_B" };
		char zero[96] = { 0 };

		info = (void *)(buf + i * 96);
		check_note = names[i];
		CHECK(info->first_resource, i);
		CHECK(strcmp(info->name, names[i]), 0);
		CHECK_MEM(info->name + strlen(names[i]), zero,
			  sizeof(info->name) - strlen(names[i]));
		CHECK_MEM(buf + i * 96 + sizeof(*info), zero, 96 - sizeof(*info));
	}
	check_note = NULL;

	/* a name is free again once its device is gone, at the commit */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, a), 0);
	CHECK(find_named(fd, "com1", &found), 0);
	CHECK(create_named(fd, 0x63, "com1", &id), -ENOTUNIQ);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(find_named(fd, "com1", &found), -ENOENT);
	CHECK(create_named(fd, 0x63, "com1", &id), 0);
	CHECK(find_named(fd, "com1", &found), 0);
	CHECK(found, id);
	close(fd);
}

static int dev_reset(int fd, uint32_t id)
{
	struct dbdev_device_reset r = { .argsz = sizeof(r), .id = id };

	return xioctl(fd, DBDEV_DEVICE_RESET, &r);
}

/* DBDEV_DEVICE_SAVE into @buf of @room bytes: -errno; the length in *@len */
static int dev_save(int fd, uint32_t id, void *buf, uint32_t room, uint32_t *len)
{
	struct dbdev_device_state s = {
		.argsz = sizeof(s), .id = id, .len = room, .buf = (uintptr_t)buf,
	};
	int err = xioctl(fd, DBDEV_DEVICE_SAVE, &s);

	*len = s.len;
	return err;
}

static int dev_restore(int fd, uint32_t id, const void *buf, uint32_t len)
{
	struct dbdev_device_state s = {
		.argsz = sizeof(s), .id = id, .len = len, .buf = (uintptr_t)buf,
	};

	return xioctl(fd, DBDEV_DEVICE_RESTORE, &s);
}

/* A dbdev-test device with @store bytes and @log entries at TEST_MMIO */
static int create_sized(int fd, uint32_t store, uint32_t log, uint32_t *id)
{
	struct dbdev_uresource r = RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE);
	struct dbdev_test_params p = {
		.argsz = sizeof(p), .store_bytes = store, .log_entries = log,
	};
	struct dbdev_create_device c;
	int err;

	create_init(&c, 0, &r, 1, NULL, 0);
	c.params = (uintptr_t)&p;
	c.params_len = sizeof(p);
	err = xioctl(fd, DBDEV_CREATE_DEVICE, &c);
	*id = c.id;
	return err;
}

/*
 * 9d. Reset, save and restore: a state moves to a device of another
 * context; every malformed state is refused and changes nothing
 */
static void test_device_state(void)
{
	static uint8_t st[64 * 1024], bad[64 * 1024];
	struct dbdev_state_header *h;
	uint32_t id, id2, other, bare, len, len2, v;
	struct dbdev_device_state s;
	struct test_log log;
	int fd, fd2;

	OPEN_CTX(fd);
	REQUIRE(create_sized(fd, 256, 8, &id), 0);
	v = 0x11223344;
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO + 8, &v), 0);
	v = 0x55;
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 1, TEST_MMIO + 255, &v), 0);
	CHECK(mmio_read32(fd, TEST_MMIO + 8, &v), 0);

	/* the room it needs, then the state */
	CHECK(dev_save(fd, id, st, 0, &len), -E2BIG);
	CHECK(len, sizeof(struct dbdev_state_header) + 32 + 256 +
		   8 * sizeof(struct dbdev_test_access));
	CHECK(dev_save(fd, id, st, len - 1, &len2), -E2BIG);
	CHECK(len2, len);
	REQUIRE(dev_save(fd, id, st, sizeof(st), &len), 0);
	CHECK(len, sizeof(struct dbdev_state_header) + 32 + 256 +
		   3 * sizeof(struct dbdev_test_access));
	h = (void *)st;
	CHECK(h->magic, DBDEV_STATE_MAGIC);
	CHECK(h->version, 1);
	CHECK(strcmp(h->type, DBDEV_TEST_TYPE), 0);
	CHECK(h->size, len - sizeof(*h));
	CHECK(h->reserved, 0);

	/* reset: the store and the log as at creation */
	CHECK(dev_reset(fd, id), 0);
	CHECK(mmio_read32(fd, TEST_MMIO + 8, &v), 0);
	CHECK(v, 0);
	CHECK(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);		/* the read just now */
	CHECK(log.head.reads, 1);
	CHECK(log.head.writes, 0);
	CHECK(log.e[0].seq, 0);

	/* restore here: the store, the log and its counters come back */
	CHECK(dev_restore(fd, id, st, len), 0);
	CHECK(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 3);
	CHECK(log.head.reads, 1);
	CHECK(log.head.writes, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 8,
		  0x11223344, 0);
	CHECK_LOG(&log.e[2], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 8,
		  0x11223344, 2);
	CHECK(mmio_read32(fd, TEST_MMIO + 8, &v), 0);
	CHECK(v, 0x11223344);

	/* and in another context, into a device made with the same parameters */
	fd2 = open_ctx();
	REQUIRE(fd2 >= 0, 1);
	REQUIRE(create_sized(fd2, 256, 8, &id2), 0);
	CHECK(dev_restore(fd2, id2, st, len), 0);
	v = 0;
	CHECK(io_result(fd2, DBDEV_IO_MMIO, DBDEV_IO_READ, 1, TEST_MMIO + 255, &v), 0);
	CHECK(v, 0x55);
	CHECK(read_log(fd2, id2, &log), 0);
	CHECK(log.head.nr, 4);
	CHECK(log.e[3].seq, 3);
	close(fd2);

	/* refused states change nothing */
	fd2 = open_ctx();
	REQUIRE(fd2 >= 0, 1);
	REQUIRE(create_sized(fd2, 512, 8, &other), 0);
	CHECK(dev_restore(fd2, other, st, len), -EINVAL);	/* other params */
	CHECK(mmio_read32(fd2, TEST_MMIO + 8, &v), 0);
	CHECK(v, 0);
	close(fd2);
#define BAD_STATE(setup, _len, err) do {				\
	memcpy(bad, st, len);						\
	setup;								\
	CHECK(dev_restore(fd, id, bad, _len), err);			\
} while (0)
	CHECK(dev_reset(fd, id), 0);
	h = (void *)bad;
	BAD_STATE(h->magic ^= 1, len, -EINVAL);
	BAD_STATE(h->version = 0, len, -EINVAL);
	BAD_STATE(h->version = 2, len, -EPROTONOSUPPORT);
	BAD_STATE(strcpy(h->type, DBDEV_TEST_BARE_TYPE), len, -EINVAL);
	BAD_STATE(h->type[0] = 'x', len, -EINVAL);
	BAD_STATE(h->reserved = 1, len, -EINVAL);
	BAD_STATE(h->size++, len, -EINVAL);
	BAD_STATE(, len - 1, -EINVAL);
	BAD_STATE((h->size++, bad[len] = 0), len + 1, -EINVAL);
	BAD_STATE(, sizeof(*h) - 1, -EINVAL);
	BAD_STATE(, 0, -EINVAL);
	BAD_STATE(, DBDEV_STATE_MAX + 1, -E2BIG);
	BAD_STATE(bad[sizeof(*h) + 28] = 1, len, -EINVAL);	/* reserved */
	BAD_STATE(bad[sizeof(*h) + 8] = 9, len, -EINVAL);	/* log_nr */
	CHECK(mmio_read32(fd, TEST_MMIO + 8, &v), 0);
	CHECK(v, 0);
	CHECK(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);
	CHECK(log.head.writes, 0);

	/* the other errors */
	memset(&s, 0, sizeof(s));
	s.argsz = sizeof(s);
	s.id = id;
	s.len = len;
	s.buf = (uintptr_t)st;
	s.flags = 1;
	CHECK(xioctl(fd, DBDEV_DEVICE_SAVE, &s), -EINVAL);
	CHECK(xioctl(fd, DBDEV_DEVICE_RESTORE, &s), -EINVAL);
	s.flags = 0;
	s.reserved = 1;
	CHECK(xioctl(fd, DBDEV_DEVICE_SAVE, &s), -EINVAL);
	CHECK(xioctl(fd, DBDEV_DEVICE_RESTORE, &s), -EINVAL);
	s.reserved = 0;
	s.buf = 0;
	s.len = sizeof(st);
	CHECK(xioctl(fd, DBDEV_DEVICE_SAVE, &s), -EFAULT);
	s.len = len;
	CHECK(xioctl(fd, DBDEV_DEVICE_RESTORE, &s), -EFAULT);
	CHECK(dev_save(fd, id + 100, st, sizeof(st), &len2), -ENOENT);
	CHECK(dev_restore(fd, id + 100, st, len), -ENOENT);
	CHECK(dev_reset(fd, id + 100), -ENOENT);
	{
		struct dbdev_device_reset r = { .argsz = sizeof(r), .id = id,
						.reserved = 1 };

		CHECK(xioctl(fd, DBDEV_DEVICE_RESET, &r), -EINVAL);
	}
	/* a type without reset and state */
	{
		struct dbdev_uresource r = RES_PIO(0x70, 1);
		struct dbdev_create_device c;

		create_init(&c, 0, &r, 1, NULL, 0);
		strcpy(c.type, DBDEV_TEST_BARE_TYPE);
		REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
		bare = c.id;
	}
	CHECK(dev_reset(fd, bare), -EOPNOTSUPP);
	CHECK(dev_save(fd, bare, st, sizeof(st), &len2), -EOPNOTSUPP);
	CHECK(dev_restore(fd, bare, st, len), -EOPNOTSUPP);
	CHECK(read_log(fd, bare, &log), -EOPNOTSUPP);
	close(fd);
#undef BAD_STATE
}

/*
 * 9e. A store of an odd length: the saved log entries follow it at an
 * offset no structure is aligned to, and come back whole.
 */
static void test_device_state_odd(void)
{
	static uint8_t st[4096];
	struct test_log log;
	uint32_t id, len, v;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_sized(fd, 5, 4, &id), 0);
	v = 0xa5;
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 1, TEST_MMIO + 4, &v), 0);
	v = 0x01020304;
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, &v), 0);
	REQUIRE(dev_save(fd, id, st, sizeof(st), &len), 0);
	CHECK(len, sizeof(struct dbdev_state_header) + 32 + 5 +
		   2 * sizeof(struct dbdev_test_access));
	CHECK(dev_reset(fd, id), 0);
	CHECK(dev_restore(fd, id, st, len), 0);
	CHECK(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 2);
	CHECK(log.head.writes, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 1, TEST_MMIO, 4,
		  0xa5, 0);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 0,
		  0x01020304, 1);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(v, 0x01020304);
	CHECK(io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 1, TEST_MMIO + 4, &v), 0);
	CHECK(v & 0xff, 0xa5);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 10. Resource pools
 */
static int get_pools(int fd, struct dbdev_upools *p)
{
	memset(p, 0x5a, sizeof(*p));
	p->argsz = sizeof(*p);
	p->flags = 0;
	return xioctl(fd, DBDEV_GET_POOLS, p);
}

static void default_pools(struct dbdev_upools *p)
{
	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	p->pio = (struct dbdev_uwindow){ 0, 0xffff };
	p->mmio[0] = (struct dbdev_uwindow){ 0xd0000000, 0xfebfffff };
	p->mmio[1] = (struct dbdev_uwindow){ 0x8000000000, 0xffffffffff };
	p->nr_mmio = 2;
	p->mem = (struct dbdev_uwindow){ 0x100000000, 0x7fffffffff };
	p->legacy_irq = (struct dbdev_uwindow){ 5, 23 };
	p->msi = (struct dbdev_uwindow){ 24, 4095 };
	p->kvm_slot = (struct dbdev_uwindow){ 0, 32763 };
	p->mac_prefix[0] = 0x02;
	p->mac_prefix[1] = 0xdb;
	p->mac_prefix[2] = 0xde;
}

static void test_pools(void)
{
	struct dbdev_uconstraint pio = CON(DBDEV_UC_PIO, 8);
	struct dbdev_upools p, want;
	struct dbdev_uresource out[2];
	struct dbdev_create_device c;
	int fd, i;

	OPEN_CTX(fd);
	default_pools(&want);
	REQUIRE(get_pools(fd, &p), 0);
	CHECK(p.argsz, sizeof(p));
	CHECK(p.flags, 0);
	CHECK(p.pio.min, 0);
	CHECK(p.pio.max, 0xffff);
	CHECK(p.nr_mmio, 2);
	CHECK(p.mmio[0].min, 0xd0000000);
	CHECK(p.mmio[0].max, 0xfebfffff);
	CHECK(p.mmio[1].min, 0x8000000000);
	CHECK(p.mmio[1].max, 0xffffffffff);
	for (i = 2; i < DBDEV_UMMIO_WINDOWS; i++)
		CHECK(p.mmio[i].min | p.mmio[i].max, 0);
	CHECK(p.mem.min, 0x100000000);
	CHECK(p.mem.max, 0x7fffffffff);
	CHECK(p.legacy_irq.min, 5);
	CHECK(p.legacy_irq.max, 23);
	CHECK(p.msi.min, 24);
	CHECK(p.msi.max, 4095);
	CHECK(p.kvm_slot.min, 0);
	CHECK(p.kvm_slot.max, 32763);
	CHECK(p.mac_prefix[0], 0x02);
	CHECK(p.mac_prefix[1], 0xdb);
	CHECK(p.mac_prefix[2], 0xde);
	CHECK(p.reserved0, 0);
	CHECK(p.reserved[0] | p.reserved[1], 0);
	CHECK_MEM(&p, &want, sizeof(p));

	/* malformed configurations change nothing */
#define BAD_POOLS(setup, err) do {					\
	default_pools(&p);						\
	setup;								\
	CHECK(xioctl(fd, DBDEV_SET_POOLS, &p), err);			\
} while (0)
	BAD_POOLS(p.pio = ((struct dbdev_uwindow){ 0x2000, 0x1fff }), -EINVAL);
	BAD_POOLS(p.pio.max = 0x10000, -EINVAL);
	BAD_POOLS(p.legacy_irq = ((struct dbdev_uwindow){ 9, 8 }), -EINVAL);
	BAD_POOLS(p.mmio[1].min = 0xfebff000, -EINVAL);		/* overlap */
	BAD_POOLS(p.nr_mmio = 0, -EINVAL);
	BAD_POOLS(p.nr_mmio = 1, -EINVAL);		/* mmio[1] is not 0 */
	BAD_POOLS(p.nr_mmio = DBDEV_UMMIO_WINDOWS + 1, -E2BIG);
	BAD_POOLS(p.mac_prefix[0] = 0x03, -EINVAL);	/* multicast */
	BAD_POOLS(p.mac_prefix[0] = 0x00, -EINVAL);	/* not local */
	BAD_POOLS(p.flags = 1, -EINVAL);
	BAD_POOLS(p.reserved0 = 1, -EINVAL);
	BAD_POOLS(p.reserved[1] = 1, -EINVAL);
#undef BAD_POOLS
	REQUIRE(get_pools(fd, &p), 0);
	CHECK_MEM(&p, &want, sizeof(p));

	/* a good one round-trips and is used */
	want.pio = (struct dbdev_uwindow){ 0x1000, 0x1fff };
	want.mac_prefix[0] = 0x06;
	p = want;
	REQUIRE(xioctl(fd, DBDEV_SET_POOLS, &p), 0);
	REQUIRE(get_pools(fd, &p), 0);
	CHECK_MEM(&p, &want, sizeof(p));
	memset(out, 0x5a, sizeof(out));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &pio, 1, out, 2);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	REQUIRE(c.nr_assigned, 1);
	check_res(&out[0], DBDEV_UR_PIO, 0, 0x1000, 8);

	/* not once there is a device */
	default_pools(&p);
	CHECK(xioctl(fd, DBDEV_SET_POOLS, &p), -EBUSY);
	REQUIRE(get_pools(fd, &p), 0);
	CHECK_MEM(&p, &want, sizeof(p));
	close(fd);

	/* a new context has the defaults again */
	OPEN_CTX(fd);
	default_pools(&want);
	REQUIRE(get_pools(fd, &p), 0);
	CHECK_MEM(&p, &want, sizeof(p));
	close(fd);
}

/* DBDEV_ALLOC of @nr constraints: -errno, or 0 and their resources */
static int reserve(int fd, const struct dbdev_uconstraint *k, uint32_t nr,
		   struct dbdev_uresource *out, uint32_t max, uint32_t *got)
{
	struct dbdev_alloc a = {
		.argsz = sizeof(a), .nr_items = nr, .items = (uintptr_t)k,
		.assigned = (uintptr_t)out, .assigned_max = max,
	};
	int err = xioctl(fd, DBDEV_ALLOC, &a);

	*got = a.nr_assigned;
	return err;
}

static int unreserve(int fd, const struct dbdev_uresource *r, uint32_t nr)
{
	struct dbdev_free f = { .argsz = sizeof(f), .nr = nr,
				.resources = (uintptr_t)r };

	return xioctl(fd, DBDEV_FREE, &f);
}

/*
 * 10b. Reserve first, create later: DBDEV_ALLOC keeps resources for the
 * VMM, a device created with one of them exactly takes it over, and
 * DBDEV_FREE gives back the rest
 */
static void test_alloc_then_create(void)
{
	struct dbdev_uconstraint k[] = {
		CON(DBDEV_UC_MMIO, 0x1000), CON(DBDEV_UC_LEGACY_IRQ, 1),
		CON(DBDEV_UC_KVM_SLOT, 2),
	};
	struct dbdev_uresource r[8], again[2], part;
	struct dbdev_create_device c;
	struct dbdev_alloc a;
	uint32_t got, id, i;
	int fd;

	OPEN_CTX(fd);
	/* the room is checked first: nothing is reserved without it */
	CHECK(reserve(fd, k, 3, r, 3, &got), -E2BIG);
	memset(r, 0x5a, sizeof(r));
	REQUIRE(reserve(fd, k, 3, r, 8, &got), 0);
	CHECK(got, 4);
	CHECK(r[0].type, DBDEV_UR_MMIO);
	CHECK(r[0].base, 0xd0000000);
	CHECK(r[0].size, 0x1000);
	CHECK(r[1].type, DBDEV_UR_LEGACY_IRQ);
	CHECK(r[1].base, 5);
	CHECK(r[2].type, DBDEV_UR_KVM_SLOT);
	CHECK(r[2].base, 0);
	CHECK(r[3].base, 1);
	/* reserved: the allocator gives them to nobody else */
	REQUIRE(reserve(fd, k, 2, again, 2, &got), 0);
	CHECK(again[0].base, 0xd0001000);
	CHECK(again[1].base, 6);
	CHECK(unreserve(fd, again, 2), 0);

	/* the device takes over what it is created with, exactly */
	part = RES_MMIO(0xd0000000, 0x800);
	CHECK(create_res(fd, &part, 1, NULL), -EBUSY);
	REQUIRE(create_res(fd, r, 2, &id), 0);
	CHECK(unreserve(fd, &r[0], 1), -EBUSY);
	CHECK(unreserve(fd, &r[1], 1), -EBUSY);
	CHECK(unreserve(fd, &r[2], 2), 0);
	CHECK(unreserve(fd, &r[2], 1), -EINVAL);
	/* and gives it back to the pools, not to the reservation */
	REQUIRE(destroy_dev(fd, id), 0);
	CHECK(unreserve(fd, &r[1], 1), -EINVAL);
	REQUIRE(reserve(fd, &k[1], 1, again, 1, &got), 0);
	CHECK(again[0].base, 5);

	/* created in a cancelled transaction: the reservation has it again */
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	CHECK(reserve(fd, &k[1], 1, r, 1, &got), -EBUSY);
	CHECK(unreserve(fd, again, 1), -EBUSY);
	REQUIRE(create_res(fd, again, 1, &id), 0);
	REQUIRE(tx(fd, DBDEV_TX_CANCEL), 0);
	CHECK(unreserve(fd, again, 1), 0);

	/* malformed calls */
	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.items = (uintptr_t)k;
	a.assigned = (uintptr_t)r;
	a.assigned_max = 8;
	CHECK(xioctl(fd, DBDEV_ALLOC, &a), -EINVAL);	/* no items */
	a.nr_items = DBDEV_MAX_ITEMS + 1;
	CHECK(xioctl(fd, DBDEV_ALLOC, &a), -E2BIG);
	a.nr_items = 1;
	a.flags = 1;
	CHECK(xioctl(fd, DBDEV_ALLOC, &a), -EINVAL);
	a.flags = 0;
	a.reserved = 1;
	CHECK(xioctl(fd, DBDEV_ALLOC, &a), -EINVAL);
	a.reserved = 0;
	a.assigned = 0;
	CHECK(xioctl(fd, DBDEV_ALLOC, &a), -EFAULT);
	k[0].align = 3;
	CHECK(reserve(fd, k, 1, r, 8, &got), -EINVAL);
	CHECK(unreserve(fd, r, 0), -EINVAL);
	r[0] = RES_MMIO(0x1000, 0);
	CHECK(unreserve(fd, r, 1), -EINVAL);
	/* nothing was left reserved by the failures */
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &k[1], 1, r, 1);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(r[0].base, 5);

	/* a context keeps at most 4096 reservations */
	k[0] = CON(DBDEV_UC_MAC, 1);
	for (i = 0; i < 4096; i++)
		if (!CHECK(reserve(fd, k, 1, r, 1, &got), 0))
			break;
	CHECK(reserve(fd, k, 1, r, 1, &got), -EMFILE);
	CHECK(unreserve(fd, r, 1), 0);
	CHECK(reserve(fd, k, 1, r, 1, &got), 0);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 11. Hostile input
 */

/* Every ioctl that takes a structure: its first version's size and ours */
static const struct {
	const char *name;
	unsigned long req;
	uint32_t ver0, size;
} arg_ioctls[] = {
#define A(n, s, v)	{ #n, DBDEV_##n, v, sizeof(struct s) }
	A(CREATE_DEVICE, dbdev_create_device, DBDEV_CREATE_DEVICE_SIZE_VER0),
	A(DESTROY_DEVICE, dbdev_destroy_device, DBDEV_DESTROY_DEVICE_SIZE_VER0),
	A(IO, dbdev_io_one, DBDEV_IO_ONE_SIZE_VER0),
	A(IO_BATCH, dbdev_io_batch, DBDEV_IO_BATCH_SIZE_VER0),
	A(LIST_DEVICES, dbdev_list_devices, DBDEV_LIST_DEVICES_SIZE_VER0),
	A(DEVICE_CTL, dbdev_device_ctl, DBDEV_DEVICE_CTL_SIZE_VER0),
	A(GET_POOLS, dbdev_upools, DBDEV_UPOOLS_SIZE_VER0),
	A(SET_POOLS, dbdev_upools, DBDEV_UPOOLS_SIZE_VER0),
	A(DEVICE_EVENTFD, dbdev_device_eventfd, DBDEV_DEVICE_EVENTFD_SIZE_VER0),
	A(DEVICE_STATS, dbdev_device_stats, DBDEV_DEVICE_STATS_SIZE_VER0),
	A(KVM_RUN, dbdev_kvm_run, DBDEV_KVM_RUN_SIZE_VER0),
	A(GET_STATS, dbdev_stats, DBDEV_STATS_SIZE_VER0),
	A(DEVICE_RESET, dbdev_device_reset, DBDEV_DEVICE_RESET_SIZE_VER0),
	A(DEVICE_SAVE, dbdev_device_state, DBDEV_DEVICE_STATE_SIZE_VER0),
	A(DEVICE_RESTORE, dbdev_device_state, DBDEV_DEVICE_STATE_SIZE_VER0),
	A(LIST_TYPES, dbdev_list_types, DBDEV_LIST_TYPES_SIZE_VER0),
	A(DESCRIBE_TYPE, dbdev_describe_type, DBDEV_DESCRIBE_TYPE_SIZE_VER0),
	A(ALLOC, dbdev_alloc, DBDEV_ALLOC_SIZE_VER0),
	A(FREE, dbdev_free, DBDEV_FREE_SIZE_VER0),
#undef A
};

/* 11a. Unknown ioctls and argument sizes */
static void test_hostile_argsz(void)
{
	static uint64_t buf[8192 / 8];
	struct dbdev_list_devices *l = (void *)buf;
	struct dbdev_create_device *c = (void *)buf;
	struct dbdev_upools *p = (void *)buf;
	struct dbdev_uresource r = RES_PIO(0x60, 1);
	uint32_t *argsz = (uint32_t *)buf;
	unsigned int i;
	int fd;

	OPEN_CTX(fd);
	CHECK(xioctl(fd, _IO(DBDEV_IOC_MAGIC, 0x1f), buf), -ENOTTY);
	CHECK(xioctl(fd, _IO(DBDEV_IOC_MAGIC, 0x3f), buf), -ENOTTY);
	CHECK(xioctl(fd, _IO(DBDEV_IOC_MAGIC, 0xff), buf), -ENOTTY);
	CHECK(xioctl(fd, _IOWR(DBDEV_IOC_MAGIC, 0x01, struct dbdev_create_device), buf),
	      -ENOTTY);
	CHECK(xioctl(fd, _IO(DBDEV_IOC_MAGIC + 1, 0x01), buf), -ENOTTY);
	/* mwave's IOCTL_MW_RESET, which the first numbering collided with */
	CHECK(xioctl(fd, _IO(0xDB, 0x01), buf), -ENOTTY);

	for (i = 0; i < ARRAY_SIZE(arg_ioctls); i++) {
		check_note = arg_ioctls[i].name;
		memset(buf, 0, sizeof(buf));
		*argsz = 0;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -EINVAL);
		*argsz = arg_ioctls[i].ver0 - 1;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -EINVAL);
		*argsz = 4097;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -E2BIG);
		*argsz = UINT32_MAX;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -E2BIG);
		*argsz = arg_ioctls[i].size + 8;
		((uint8_t *)buf)[arg_ioctls[i].size + 3] = 1;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -E2BIG);
		*argsz = 4096;
		((uint8_t *)buf)[arg_ioctls[i].size + 3] = 0;
		((uint8_t *)buf)[4095] = 1;
		CHECK(xioctl(fd, arg_ioctls[i].req, buf), -E2BIG);
		CHECK(xioctl(fd, arg_ioctls[i].req, NULL), -EFAULT);
	}
	check_note = NULL;
	CHECK(nr_devs(fd), 0);

	/* a larger structure with a zero tail works */
	memset(buf, 0, sizeof(buf));
	create_init(c, 0, &r, 1, NULL, 0);
	c->argsz = 4096;
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, c), 0);
	CHECK(c->id != 0, 1);
	memset(buf, 0, sizeof(buf));
	l->argsz = sizeof(*l) + 16;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, l), -E2BIG);
	CHECK(l->nr_devices, 1);
	memset(buf, 0, sizeof(buf));
	p->argsz = sizeof(*p) + 8;
	CHECK(xioctl(fd, DBDEV_GET_POOLS, p), 0);
	CHECK(p->msi.max, 4095);
	memset(buf, 0, sizeof(buf));
	*argsz = 1000;
	CHECK(xioctl(fd, DBDEV_TX_BEGIN, NULL), 0);
	CHECK(xioctl(fd, DBDEV_DESTROY_DEVICE, buf), -ENOENT);
	CHECK(xioctl(fd, DBDEV_TX_COMMIT, NULL), 0);
	/* the ioctls without a structure take 0 */
	CHECK(xioctl(fd, DBDEV_TX_BEGIN, buf), -EINVAL);
	CHECK(xioctl(fd, DBDEV_TX_CANCEL, NULL), -ENOENT);
	CHECK(xioctl(fd, DBDEV_TX_BEGIN, NULL), 0);
	CHECK(xioctl(fd, DBDEV_TX_COMMIT, buf), -EINVAL);
	CHECK(xioctl(fd, DBDEV_TX_CANCEL, buf), -EINVAL);
	CHECK(xioctl(fd, DBDEV_TX_CANCEL, NULL), 0);
	CHECK(xioctl(fd, DBDEV_GET_API_VERSION, buf), -EINVAL);
	close(fd);
}

/*
 * Call @req with the @len bytes at @arg (argsz set to @len) in a buffer
 * whose bytes after @len are 0xa5, which must stay so; the answer goes to
 * @out (@len bytes) if it is given.  Returns the ioctl's -errno.
 */
static int call_sized(int fd, unsigned long req, const void *arg, uint32_t len,
		      void *out)
{
	static uint8_t buf[4096];
	unsigned int i;
	int err;

	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, arg, len);
	memcpy(buf, &len, sizeof(len));
	err = xioctl(fd, req, buf);
	for (i = len; i < sizeof(buf); i++)
		if (buf[i] != 0xa5)
			break;
	CHECK(i, sizeof(buf));
	if (out)
		memcpy(out, buf, len);
	return err;
}

/*
 * 11d. Every ioctl works at its first version's size (what a VMM built
 * against ABI version 1 passes, for as long as the ABI lasts) and at a
 * larger size with a zero tail, and writes back no more than was passed.
 */
static void test_abi_ver0(void)
{
	static uint8_t big[4096];
	uint8_t tmp[8];
	struct dbdev_uresource r[] = {
		RES_PIO(0x60, 4), RES(DBDEV_UR_LEGACY_IRQ, 5, 0),
	};
	struct dbdev_create_device c;
	struct dbdev_io_one io;
	struct dbdev_io ios[1];
	struct dbdev_io_batch b;
	struct dbdev_list_devices l;
	struct dbdev_device_info info[2];
	struct dbdev_uresource lres[4];
	struct dbdev_device_ctl ctl;
	struct test_log log;
	struct dbdev_upools pools, want;
	struct dbdev_device_eventfd ev;
	struct dbdev_device_stats ds;
	struct dbdev_stats st;
	struct dbdev_device_reset rs;
	struct dbdev_device_state state;
	static uint8_t saved[DBDEV_STATE_MAX];
	struct dbdev_type_info types[16];
	struct dbdev_list_types lt;
	struct dbdev_describe_type dt;
	struct dbdev_ufield fields[32];
	struct dbdev_uctl ctls[4];
	struct dbdev_uconstraint irq = CON(DBDEV_UC_LEGACY_IRQ, 1);
	struct dbdev_uresource got;
	struct dbdev_alloc al;
	struct dbdev_free fr;
	struct dbdev_destroy_device d;
	uint32_t round;
	int fd, efd, no_vcpu;

	OPEN_CTX(fd);
	no_vcpu = ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_KVM_RUN) ? -EBADF :
								    -EOPNOTSUPP;
	efd = eventfd(0, EFD_CLOEXEC);
	REQUIRE(efd >= 0, 1);
	REQUIRE(get_pools(fd, &want), 0);
	/* round 0: the first version's sizes; round 1: ours and 64 more */
	for (round = 0; round < 2; round++) {
#define SIZE(v, s)	(round ? (uint32_t)sizeof(s) + 64 : (v))
		check_note = round ? "larger" : "VER0";

		create_init(&c, 0, r, 2, NULL, 0);
		memset(big, 0, sizeof(big));
		memcpy(big, &c, sizeof(c));
		CHECK(call_sized(fd, DBDEV_CREATE_DEVICE, big,
				 SIZE(DBDEV_CREATE_DEVICE_SIZE_VER0, c), big), 0);
		memcpy(&c, big, sizeof(c));
		REQUIRE(c.id != 0, 1);
		CHECK(c.nr_assigned, 2);

		io_init(&io, DBDEV_IO_PIO, DBDEV_IO_WRITE, 2, 1, 0x60, "\x34\x12");
		memset(big, 0, sizeof(big));
		memcpy(big, &io, sizeof(io));
		CHECK(call_sized(fd, DBDEV_IO, big,
				 SIZE(DBDEV_IO_ONE_SIZE_VER0, io), big), 0);
		memcpy(&io, big, sizeof(io));
		CHECK(io.io.result, 0);
		CHECK(io.io.done, 1);

		memset(tmp, 0, sizeof(tmp));
		ios[0] = (struct dbdev_io){ .bus = DBDEV_IO_PIO, .dir = DBDEV_IO_READ,
					     .size = 2, .count = 1, .addr = 0x60,
					     .data = (uintptr_t)tmp, .result = 7 };
		b = (struct dbdev_io_batch){ .nr = 1, .ios = (uintptr_t)ios };
		memset(big, 0, sizeof(big));
		memcpy(big, &b, sizeof(b));
		CHECK(call_sized(fd, DBDEV_IO_BATCH, big,
				 SIZE(DBDEV_IO_BATCH_SIZE_VER0, b), NULL), 0);
		CHECK(ios[0].result, 0);
		CHECK(tmp[0] | tmp[1] << 8, 0x1234);

		l = (struct dbdev_list_devices){ .nr_devices = 2, .nr_resources = 4,
						 .devices = (uintptr_t)info,
						 .resources = (uintptr_t)lres };
		memset(big, 0, sizeof(big));
		memcpy(big, &l, sizeof(l));
		CHECK(call_sized(fd, DBDEV_LIST_DEVICES, big,
				 SIZE(DBDEV_LIST_DEVICES_SIZE_VER0, l), big), 0);
		memcpy(&l, big, sizeof(l));
		CHECK(l.nr_devices, 1);
		CHECK(l.nr_resources, 2);
		CHECK(info[0].id, c.id);

		ctl = (struct dbdev_device_ctl){ .id = c.id, .op = DBDEV_TEST_READ_LOG,
						 .out_len = sizeof(log),
						 .buf = (uintptr_t)&log };
		memset(big, 0, sizeof(big));
		memcpy(big, &ctl, sizeof(ctl));
		CHECK(call_sized(fd, DBDEV_DEVICE_CTL, big,
				 SIZE(DBDEV_DEVICE_CTL_SIZE_VER0, ctl), big), 0);
		memcpy(&ctl, big, sizeof(ctl));
		CHECK(log.head.nr, 2);
		CHECK(ctl.out_len, sizeof(log.head) + 2 * sizeof(log.e[0]));

		/* GET_POOLS takes only argsz and flags */
		memset(big, 0, sizeof(big));
		memset(big, 0x5a, sizeof(pools));
		memset(big + 4, 0, 4);
		CHECK(call_sized(fd, DBDEV_GET_POOLS, big,
				 SIZE(DBDEV_UPOOLS_SIZE_VER0, pools), big), 0);
		memcpy(&pools, big, sizeof(pools));
		want.argsz = pools.argsz;
		CHECK_MEM(&pools, &want, sizeof(pools));

		ev = (struct dbdev_device_eventfd){ .id = c.id, .fd = efd,
						    .kind = DBDEV_EVENTFD_LINE };
		memset(big, 0, sizeof(big));
		memcpy(big, &ev, sizeof(ev));
		CHECK(call_sized(fd, DBDEV_DEVICE_EVENTFD, big,
				 SIZE(DBDEV_DEVICE_EVENTFD_SIZE_VER0, ev), NULL), 0);

		ds = (struct dbdev_device_stats){ .id = c.id, .irqs = 77 };
		memset(big, 0, sizeof(big));
		memcpy(big, &ds, sizeof(ds));
		CHECK(call_sized(fd, DBDEV_DEVICE_STATS, big,
				 SIZE(DBDEV_DEVICE_STATS_SIZE_VER0, ds), big), 0);
		memcpy(&ds, big, sizeof(ds));
		CHECK(ds.irqs, 0);

		rs = (struct dbdev_device_reset){ .id = c.id };
		memset(big, 0, sizeof(big));
		memcpy(big, &rs, sizeof(rs));
		CHECK(call_sized(fd, DBDEV_DEVICE_RESET, big,
				 SIZE(DBDEV_DEVICE_RESET_SIZE_VER0, rs), NULL), 0);

		state = (struct dbdev_device_state){ .id = c.id,
						     .len = sizeof(saved),
						     .buf = (uintptr_t)saved };
		memset(big, 0, sizeof(big));
		memcpy(big, &state, sizeof(state));
		CHECK(call_sized(fd, DBDEV_DEVICE_SAVE, big,
				 SIZE(DBDEV_DEVICE_STATE_SIZE_VER0, state), big), 0);
		memcpy(&state, big, sizeof(state));
		CHECK(state.len > sizeof(struct dbdev_state_header), 1);
		memset(big, 0, sizeof(big));
		memcpy(big, &state, sizeof(state));
		CHECK(call_sized(fd, DBDEV_DEVICE_RESTORE, big,
				 SIZE(DBDEV_DEVICE_STATE_SIZE_VER0, state), NULL), 0);

		lt = (struct dbdev_list_types){ .nr_types = 16,
						.types = (uintptr_t)types };
		memset(big, 0, sizeof(big));
		memcpy(big, &lt, sizeof(lt));
		CHECK(call_sized(fd, DBDEV_LIST_TYPES, big,
				 SIZE(DBDEV_LIST_TYPES_SIZE_VER0, lt), big), 0);
		memcpy(&lt, big, sizeof(lt));
		CHECK(lt.nr_types >= 4, 1);

		dt = (struct dbdev_describe_type){ .nr_fields = 32, .nr_ctls = 4,
						   .fields = (uintptr_t)fields,
						   .ctls = (uintptr_t)ctls };
		strcpy(dt.type, DBDEV_TEST_TYPE);
		memset(big, 0, sizeof(big));
		memcpy(big, &dt, sizeof(dt));
		CHECK(call_sized(fd, DBDEV_DESCRIBE_TYPE, big,
				 SIZE(DBDEV_DESCRIBE_TYPE_SIZE_VER0, dt), big), 0);
		memcpy(&dt, big, sizeof(dt));
		CHECK(dt.nr_ctls, 3);

		al = (struct dbdev_alloc){ .nr_items = 1, .items = (uintptr_t)&irq,
					   .assigned = (uintptr_t)&got,
					   .assigned_max = 1 };
		memset(big, 0, sizeof(big));
		memcpy(big, &al, sizeof(al));
		CHECK(call_sized(fd, DBDEV_ALLOC, big,
				 SIZE(DBDEV_ALLOC_SIZE_VER0, al), big), 0);
		memcpy(&al, big, sizeof(al));
		CHECK(al.nr_assigned, 1);
		CHECK(got.type, DBDEV_UR_LEGACY_IRQ);
		fr = (struct dbdev_free){ .nr = 1, .resources = (uintptr_t)&got };
		memset(big, 0, sizeof(big));
		memcpy(big, &fr, sizeof(fr));
		CHECK(call_sized(fd, DBDEV_FREE, big,
				 SIZE(DBDEV_FREE_SIZE_VER0, fr), NULL), 0);

		st = (struct dbdev_stats){ .kvm_runs = 77 };
		memset(big, 0, sizeof(big));
		memcpy(big, &st, sizeof(st));
		CHECK(call_sized(fd, DBDEV_GET_STATS, big,
				 SIZE(DBDEV_STATS_SIZE_VER0, st), big), 0);
		memcpy(&st, big, sizeof(st));
		CHECK(st.kvm_runs, 0);

		/* KVM_RUN gets past the size check to its own: no vCPU */
		memset(big, 0, sizeof(big));
		((struct dbdev_kvm_run *)big)->vcpu_fd = -1;
		((struct dbdev_kvm_run *)big)->run = 0x10000;
		((struct dbdev_kvm_run *)big)->run_size = 0x10000;
		CHECK(call_sized(fd, DBDEV_KVM_RUN, big,
				 SIZE(DBDEV_KVM_RUN_SIZE_VER0, struct dbdev_kvm_run),
				 NULL), no_vcpu);

		d = (struct dbdev_destroy_device){ .id = c.id };
		memset(big, 0, sizeof(big));
		memcpy(big, &d, sizeof(d));
		CHECK(call_sized(fd, DBDEV_DESTROY_DEVICE, big,
				 SIZE(DBDEV_DESTROY_DEVICE_SIZE_VER0, d), NULL), 0);
		CHECK(nr_devs(fd), 0);

		/* SET_POOLS last: it works only without devices */
		memset(big, 0, sizeof(big));
		memcpy(big, &want, sizeof(want));
		CHECK(call_sized(fd, DBDEV_SET_POOLS, big,
				 SIZE(DBDEV_UPOOLS_SIZE_VER0, want), NULL), 0);
#undef SIZE
	}
	check_note = NULL;
	close(efd);
	close(fd);
}

/* Is this User Mode Linux? */
static bool is_uml(void)
{
	char line[256];
	bool uml = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		uml |= !strncmp(line, "vendor_id", 9) && strstr(line, "User Mode Linux");
	if (f)
		fclose(f);
	return uml;
}

/* 11e. The ABI version and the capabilities */
static void test_abi_version(void)
{
	int fd;

	OPEN_CTX(fd);
	CHECK(DBDEV_API_VERSION, 1);
	CHECK(ioctl(fd, DBDEV_GET_API_VERSION, 0), DBDEV_API_VERSION);
	/* 1 in the distribution kernels, 0 in UML, which has no KVM */
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_KVM_RUN), !is_uml());
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_EVENTFD), 1);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_MAX_DEVICES), 1024);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_MAX_ITEMS),
	      DBDEV_MAX_ITEMS);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_BATCH_MAX),
	      DBDEV_BATCH_MAX);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, DBDEV_CAP_DEVICE_STATE), 1);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, 0), 0);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, 1000), 0);
	CHECK(ioctl(fd, DBDEV_CHECK_EXTENSION, -1L), 0);
	close(fd);
}

/* 11f. A file opened read-only may look, not change or run anything */
static void test_abi_readonly(void)
{
	static uint8_t buf[4096];
	struct dbdev_upools p;
	struct test_list l;
	unsigned int i;
	uint32_t id;
	int fd, ro;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	ro = open(dev_path, O_RDONLY | O_CLOEXEC);
	REQUIRE(ro >= 0, 1);
	/*
	 * With a zeroed argument, an ioctl that only looks answers as on a
	 * writable file: no devices, pools and stats as they are, a type list
	 * with no room, no device or type without an id or name.
	 */
	for (i = 0; i < ARRAY_SIZE(arg_ioctls); i++) {
		unsigned long req = arg_ioctls[i].req;
		int want = -EBADF;

		if (req == DBDEV_LIST_DEVICES || req == DBDEV_GET_POOLS ||
		    req == DBDEV_GET_STATS)
			want = 0;
		else if (req == DBDEV_LIST_TYPES)
			want = -E2BIG;
		else if (req == DBDEV_DEVICE_STATS || req == DBDEV_DEVICE_SAVE ||
			 req == DBDEV_DESCRIBE_TYPE)
			want = -ENOENT;
		check_note = arg_ioctls[i].name;
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = arg_ioctls[i].size;
		CHECK(xioctl(ro, req, buf), want);
	}
	check_note = NULL;
	CHECK(xioctl(ro, DBDEV_TX_BEGIN, NULL), -EBADF);
	CHECK(xioctl(ro, DBDEV_TX_COMMIT, NULL), -EBADF);
	CHECK(xioctl(ro, DBDEV_TX_CANCEL, NULL), -EBADF);
	CHECK(ioctl(ro, DBDEV_GET_API_VERSION, 0), DBDEV_API_VERSION);
	CHECK(ioctl(ro, DBDEV_CHECK_EXTENSION, DBDEV_CAP_MAX_ITEMS),
	      DBDEV_MAX_ITEMS);
	CHECK(get_pools(ro, &p), 0);
	CHECK(list_devs(ro, &l), 0);
	CHECK(l.nr_devices, 0);		/* a context of its own */
	CHECK(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 1);
	close(ro);
	close(fd);
}

/* 11b. Malformed creations */
static void test_hostile_create(void)
{
	struct dbdev_uresource r[DBDEV_MAX_ITEMS + 1], out[4];
	struct dbdev_uconstraint k[2];
	struct dbdev_create_device c;
	static uint8_t params[DBDEV_PARAMS_MAX + 8];
	struct dbdev_test_params *tp = (void *)params;
	int fd, i;

	OPEN_CTX(fd);
	for (i = 0; i < (int)ARRAY_SIZE(r); i++)
		r[i] = RES_PIO(0x100 + i, 1);

#define BAD_CREATE(setup, err) do {					\
	create_init(&c, 0, r, 1, out, 4);				\
	setup;								\
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), err);		\
	CHECK(c.id, 0);							\
} while (0)
	BAD_CREATE(c.flags = 2, -EINVAL);
	BAD_CREATE(c.flags = 0x80000000, -EINVAL);
	BAD_CREATE(c.name[0] = ' ', -EINVAL);
	BAD_CREATE(c.name[31] = 'a', -EINVAL);
	BAD_CREATE(c.nr_items = DBDEV_MAX_ITEMS + 1, -E2BIG);
	BAD_CREATE(c.nr_items = UINT32_MAX, -E2BIG);
	BAD_CREATE((c.params = (uintptr_t)params, c.params_len = DBDEV_PARAMS_MAX + 1), -E2BIG);
	BAD_CREATE(c.params_len = 16, -EINVAL);		/* no pointer */
	BAD_CREATE(strcpy(c.type, "no-such-type"), -ENOENT);
	BAD_CREATE(c.type[0] = 0, -ENOENT);
	BAD_CREATE(strcpy(c.type, "dbdev-tes"), -ENOENT);
	BAD_CREATE(memset(c.type, 'a', sizeof(c.type)), -EINVAL);
	BAD_CREATE((strcpy(c.type, DBDEV_TEST_TYPE),
		    memset(c.type + 10, 'x', sizeof(c.type) - 10)), -EINVAL);

	/* malformed resources */
	r[0].reserved = 1;
	BAD_CREATE(, -EINVAL);
	r[0] = RES(DBDEV_UR_PIO, 0x100, 1);
	r[0].msi_type = 1;
	BAD_CREATE(, -EINVAL);
	r[0] = RES(7, 0x100, 1);
	BAD_CREATE(, -EINVAL);
	r[0] = RES(DBDEV_UR_MSI, 24, 1);
	r[0].msi_type = 3;
	BAD_CREATE(, -EINVAL);
	r[0] = RES(DBDEV_UR_MAC, 1ULL << 48, 0);
	BAD_CREATE(, -EINVAL);
	r[0] = RES(DBDEV_UR_LEGACY_IRQ, 5, 1);
	BAD_CREATE(, -EINVAL);
	r[0] = RES_PIO(0xfff0, 0x20);				/* past 0xffff */
	BAD_CREATE(, -EINVAL);
	r[0] = RES_MMIO(0x1000, 0);
	BAD_CREATE(, -EINVAL);
	r[0] = RES_MMIO(~0ULL - 0xfff, 0x2000);			/* wraps */
	BAD_CREATE(, -EINVAL);
	r[0] = RES_PIO(0x100, 1);
	/* malformed constraints */
	k[0] = CON(DBDEV_UC_MMIO, 0x1000);
	k[0].reserved = 1;
	BAD_CREATE((c.flags = DBDEV_CREATE_CONSTRAINTS, c.items = (uintptr_t)k), -EINVAL);
	k[0] = CON(9, 1);
	BAD_CREATE((c.flags = DBDEV_CREATE_CONSTRAINTS, c.items = (uintptr_t)k), -EINVAL);
	k[0] = CON(DBDEV_UC_MMIO, 0x1000);
	k[0].align = 3;
	BAD_CREATE((c.flags = DBDEV_CREATE_CONSTRAINTS, c.items = (uintptr_t)k), -EINVAL);
	k[0] = CON(DBDEV_UC_MMIO, 0x1000);
	k[0].flags = 4;
	BAD_CREATE((c.flags = DBDEV_CREATE_CONSTRAINTS, c.items = (uintptr_t)k), -EINVAL);
	/* a pair that overlaps itself */
	r[1] = RES_PIO(0x100, 2);
	BAD_CREATE(c.nr_items = 2, -EEXIST);
	r[1] = RES_PIO(0x101, 1);

	/* the answer does not fit */
	BAD_CREATE((c.nr_items = 2, c.assigned_max = 1), -E2BIG);
	BAD_CREATE((c.nr_items = 2, c.assigned_max = 0), -E2BIG);
	k[0] = CON(DBDEV_UC_KVM_SLOT, 3);
	BAD_CREATE((c.flags = DBDEV_CREATE_CONSTRAINTS, c.items = (uintptr_t)k,
		    c.assigned_max = 2), -E2BIG);

	/* dbdev-test parameters */
	c.params = (uintptr_t)params;
#define BAD_PARAMS(setup, len, err) do {				\
	memset(params, 0, sizeof(params));				\
	tp->argsz = sizeof(*tp);					\
	setup;								\
	BAD_CREATE((c.params = (uintptr_t)params, c.params_len = (len)), err); \
} while (0)
	BAD_PARAMS(tp->argsz = 12, 16, -EINVAL);
	BAD_PARAMS(tp->argsz = 20, 16, -EINVAL);
	BAD_PARAMS(, 12, -EINVAL);
	BAD_PARAMS(, 1, -EINVAL);
	BAD_PARAMS(tp->store_bytes = DBDEV_TEST_STORE_MAX + 1, 16, -EINVAL);
	BAD_PARAMS(tp->log_entries = DBDEV_TEST_LOG_MAX + 1, 16, -EINVAL);
	BAD_PARAMS(tp->reserved = 1, 16, -EINVAL);
	BAD_PARAMS((tp->argsz = 24, params[20] = 1), 24, -E2BIG);
#undef BAD_PARAMS
	CHECK(nr_devs(fd), 0);

	/* good parameters: the limits, and a larger structure */
	memset(params, 0, sizeof(params));
	tp->argsz = 24;
	tp->store_bytes = DBDEV_TEST_STORE_MAX;
	tp->log_entries = DBDEV_TEST_LOG_MAX;
	create_init(&c, 0, r, 1, out, 4);
	c.params = (uintptr_t)params;
	c.params_len = 24;
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	/* and the most items */
	create_init(&c, 0, r + 1, DBDEV_MAX_ITEMS, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(nr_devs(fd), 2);
#undef BAD_CREATE
	close(fd);
}

/* 11c. Other malformed arguments */
static void test_hostile_misc(void)
{
	struct dbdev_list_devices l;
	struct dbdev_device_ctl ctl;
	struct dbdev_destroy_device d;
	struct test_log log;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	/* DESTROY_DEVICE */
	CHECK(destroy_dev(fd, id + 1), -ENOENT);
	CHECK(destroy_dev(fd, 0), -ENOENT);
	CHECK(destroy_dev(fd, UINT32_MAX), -ENOENT);
	d = (struct dbdev_destroy_device){ .argsz = sizeof(d), .id = id, .reserved = 1 };
	CHECK(xioctl(fd, DBDEV_DESTROY_DEVICE, &d), -EINVAL);

	/* LIST_DEVICES */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.flags = 4;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.flags = 0;
	l.reserved = 1;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EINVAL);
	l.reserved = 0;
	l.nr_devices = 1;	/* room for the device, not its resources */
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -E2BIG);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 2);

	/* DEVICE_CTL */
#define CTL(setup, err) do {						\
	ctl = (struct dbdev_device_ctl){				\
		.argsz = sizeof(ctl), .id = id, .op = DBDEV_TEST_READ_LOG, \
		.out_len = sizeof(log), .buf = (uintptr_t)&log,		\
	};								\
	setup;								\
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), err);			\
} while (0)
	CTL(ctl.op = 4, -EOPNOTSUPP);
	CTL(ctl.op = UINT32_MAX, -EOPNOTSUPP);
	CTL(ctl.op = 0, -EOPNOTSUPP);
	CTL(ctl.id = id + 1, -ENOENT);
	CTL(ctl.id = 0, -ENOENT);
	CTL(ctl.reserved0 = 1, -EINVAL);
	CTL(ctl.reserved = 1, -EINVAL);
	CTL(ctl.in_len = DBDEV_CTL_MAX + 1, -E2BIG);
	CTL(ctl.out_len = DBDEV_CTL_MAX + 1, -E2BIG);
	CTL(ctl.in_len = 4, -EINVAL);			/* READ_LOG takes none */
	CTL(ctl.out_len = sizeof(struct dbdev_test_log) - 1, -EINVAL);
	CTL(ctl.out_len = sizeof(struct dbdev_test_log), 0);
	CHECK(ctl.out_len, sizeof(struct dbdev_test_log));
	CTL(, 0);
	CHECK(ctl.out_len, sizeof(struct dbdev_test_log));
#undef CTL
	close(fd);
}

/* 11d. Bad pointers */

/* Two pages: the first read-write, the second inaccessible; and a read-only one */
static uint8_t *good_page, *bad_page, *ro_page;

static bool map_pages(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!CHECK(p != MAP_FAILED, 1))
		return false;
	/* inaccessible rather than unmapped: no later mmap() can land there */
	if (!CHECK(mprotect(p + pg, pg, PROT_NONE), 0))
		return false;
	good_page = p;
	bad_page = p + pg;
	ro_page = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(ro_page != MAP_FAILED, 1))
		return false;
	return true;
}

/* Make the read-only page hold @len bytes of @src */
static void *ro_copy(const void *src, size_t len)
{
	mprotect(ro_page, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
	memcpy(ro_page, src, len);
	mprotect(ro_page, sysconf(_SC_PAGESIZE), PROT_READ);
	return ro_page;
}

static void test_hostile_pointers(void)
{
	struct dbdev_uresource r[2] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE), RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};
	struct dbdev_test_params tp = { .argsz = sizeof(tp) };
	struct dbdev_uresource *edge;
	struct dbdev_create_device c, *cp;
	struct dbdev_list_devices l;
	struct dbdev_device_ctl ctl;
	struct dbdev_io_batch b;
	struct dbdev_io_one one;
	struct dbdev_io ios[2];
	struct test_log log;
	struct dbdev_io io;
	uint32_t id, i;
	int fd;

	if (!map_pages())
		return;
	OPEN_CTX(fd);
	/* the second resource of an array is in the unmapped page */
	edge = (struct dbdev_uresource *)bad_page - 1;
	memcpy(edge, r, sizeof(r[0]));

	/* the argument itself */
	for (i = 0; i < ARRAY_SIZE(arg_ioctls); i++) {
		check_note = arg_ioctls[i].name;
		CHECK(xioctl(fd, arg_ioctls[i].req, bad_page), -EFAULT);
		CHECK(xioctl(fd, arg_ioctls[i].req, (void *)8), -EFAULT);
		CHECK(xioctl(fd, arg_ioctls[i].req, (void *)-4096L), -EFAULT);
		/* argsz readable, the rest not */
		*(uint32_t *)(bad_page - 4) = arg_ioctls[i].size;
		CHECK(xioctl(fd, arg_ioctls[i].req, bad_page - 4), -EFAULT);
		/* a too small argsz is that, whatever follows it */
		*(uint32_t *)(bad_page - 4) = 4;
		CHECK(xioctl(fd, arg_ioctls[i].req, bad_page - 4), -EINVAL);
	}
	check_note = NULL;

	/* CREATE_DEVICE: items, params, assigned, the answer */
#define BAD_CREATE(setup) do {						\
	create_init(&c, 0, r, 2, (void *)good_page, 4);				\
	setup;								\
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EFAULT);		\
	CHECK(c.id, 0);							\
} while (0)
	BAD_CREATE(c.items = (uintptr_t)bad_page);
	BAD_CREATE(c.items = 8);
	BAD_CREATE(c.items = 0);
	BAD_CREATE(c.items = (uintptr_t)edge);
	BAD_CREATE((c.params = (uintptr_t)bad_page, c.params_len = sizeof(tp)));
	BAD_CREATE((c.params = (uintptr_t)bad_page - 8, c.params_len = sizeof(tp)));
	BAD_CREATE(c.assigned = (uintptr_t)bad_page);
	BAD_CREATE(c.assigned = (uintptr_t)(bad_page - sizeof(r[0])));
	BAD_CREATE(c.assigned = (uintptr_t)ro_page);
#undef BAD_CREATE
	create_init(&c, 0, r, 2, NULL, 0);
	c.params = (uintptr_t)&tp;
	c.params_len = sizeof(tp);
	cp = ro_copy(&c, sizeof(c));
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, cp), -EFAULT);
	/* none of them made a device; the addresses are free */
	CHECK(nr_devs(fd), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &i), -ENODEV);
	REQUIRE(create_std(fd, &id), 0);

	/* IO: data to write from, or to read into */
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO, bad_page, &io), -EFAULT);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 2, TEST_MMIO, bad_page - 4, &io), -EFAULT);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, bad_page, &io), -EFAULT);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, bad_page - 2, &io), -EFAULT);
	/* a read that fails leaves what it could have written untouched */
	memset(bad_page - 24, 0xaa, 24);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 8, 4, TEST_MMIO, bad_page - 24, &io), -EFAULT);
	for (i = 0; i < 24 && (bad_page - 24)[i] == 0xaa; i++)
		;
	CHECK(i, 24);
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, TEST_PIO, ro_page, &io), -EFAULT);
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 100, TEST_PIO, NULL, &io), -EFAULT);
	/* an answer that cannot be written: refused before the access */
	io_init(&one, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO, good_page);
	CHECK(xioctl(fd, DBDEV_IO, ro_copy(&one, sizeof(one))), -EFAULT);
	/* IO_BATCH: the array */
	b = (struct dbdev_io_batch){ .argsz = sizeof(b), .nr = 2,
				     .ios = (uintptr_t)bad_page };
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	b.ios = (uintptr_t)((struct dbdev_io *)bad_page - 1);
	memset(bad_page - sizeof(struct dbdev_io), 0, sizeof(struct dbdev_io));
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	/* a batch whose only access reads into a bad page */
	memset(ios, 0, sizeof(ios));
	ios[0] = (struct dbdev_io){ .bus = DBDEV_IO_MMIO, .dir = DBDEV_IO_READ,
				    .size = 4, .count = 1, .addr = TEST_MMIO,
				    .data = (uintptr_t)bad_page };
	b.ios = (uintptr_t)ios;
	b.nr = 1;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	/*
	 * The kernel probes each page once per batch: a second access whose
	 * data is in another page, or runs on from the page of the first
	 * into the next, is still found out before anything runs.
	 */
	memset(good_page, 0xaa, 16);
	ios[0].data = (uintptr_t)good_page;
	ios[1] = ios[0];
	ios[1].data = (uintptr_t)ro_page;
	b.nr = 2;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	ios[1].data = (uintptr_t)bad_page - 2;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	CHECK(good_page[0] == 0xaa && good_page[3] == 0xaa, 1);
	/* no access reached the device */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.reads + log.head.writes, 0);

	/* LIST_DEVICES: either array */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.nr_devices = 4;
	l.nr_resources = 8;
	l.devices = (uintptr_t)bad_page;
	l.resources = (uintptr_t)good_page;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EFAULT);
	l.devices = (uintptr_t)good_page;
	l.resources = (uintptr_t)bad_page;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EFAULT);
	l.resources = (uintptr_t)(bad_page - sizeof(r[0]));
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EFAULT);
	l.resources = (uintptr_t)ro_page;
	CHECK(xioctl(fd, DBDEV_LIST_DEVICES, &l), -EFAULT);

	/* DEVICE_CTL: the buffer, in and out */
	ctl = (struct dbdev_device_ctl){ .argsz = sizeof(ctl), .id = id,
		.op = DBDEV_TEST_READ_LOG, .out_len = sizeof(log),
		.buf = (uintptr_t)bad_page };
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);
	ctl.in_len = 8;
	ctl.op = 77;
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);
	ctl.buf = 0;
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);
	/* the answer would run from a good page into the bad one */
	ctl.in_len = 0;
	ctl.op = DBDEV_TEST_READ_LOG;
	ctl.buf = (uintptr_t)bad_page - 8;
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);

	/* the context still works */
	CHECK(nr_devs(fd), 1);
	CHECK(mmio_read32(fd, TEST_MMIO, &i), 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);
	close(fd);
}

/* 11e. A log read that fails with -EFAULT loses no entry */
static void test_hostile_ctl_keeps_log(void)
{
	struct dbdev_device_ctl ctl;
	struct test_log log;
	uint32_t id, v;
	int fd;

	if (!map_pages())
		return;
	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(mmio_read32(fd, TEST_MMIO + 4, &v), 0);

	memset(&log, 0, sizeof(log));
	ctl = (struct dbdev_device_ctl){ .argsz = sizeof(ctl), .id = id,
		.op = DBDEV_TEST_READ_LOG, .out_len = sizeof(log),
		.buf = (uintptr_t)ro_copy(&log, sizeof(log)) };
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);
	ctl.buf = (uintptr_t)bad_page;
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), -EFAULT);

	/* "A failed call changes nothing": the entry is still there */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);
	CHECK(log.head.reads, 1);
	if (log.head.nr == 1)
		CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 4, 0, 0);
	close(fd);
}

/* 11f. A batch that fails with -EFAULT does no access */
static void test_hostile_batch_data(void)
{
	uint32_t id, wval = 0x12345678, v;
	struct dbdev_io_batch b;
	struct dbdev_io ios[3];
	struct test_log log;
	int fd, i;

	if (!map_pages())
		return;
	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	for (i = 0; i < 3; i++)
		ios[i] = (struct dbdev_io){ .bus = DBDEV_IO_MMIO,
			.dir = DBDEV_IO_WRITE, .size = 4, .count = 1,
			.addr = TEST_MMIO + 4 * i, .data = (uintptr_t)&wval,
			.result = 0x7777, .done = 0x7777 };
	ios[1].dir = DBDEV_IO_READ;
	ios[1].data = (uintptr_t)bad_page;
	b = (struct dbdev_io_batch){ .argsz = sizeof(b), .nr = 3,
				     .ios = (uintptr_t)ios };
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EFAULT);
	for (i = 0; i < 3; i++)
		CHECK(ios[i].result, 0x7777);

	/* "A failed call changes nothing": no access ran */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.writes, 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(v, 0);
	close(fd);
}

/* 11g. A creation that fails with -EFAULT inside a transaction leaves nothing */
static void test_hostile_tx_create(void)
{
	struct dbdev_uresource r[2] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE), RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};
	struct dbdev_create_device c;
	struct test_list l;
	uint32_t id;
	int fd;

	if (!map_pages())
		return;
	OPEN_CTX(fd);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	create_init(&c, 0, r, 2, (void *)ro_page, 2);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EFAULT);
	create_init(&c, 0, r, 2, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, ro_copy(&c, sizeof(c))), -EFAULT);

	/* nothing listed, nothing counted */
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 0);
	CHECK(l.nr_resources, 0);
	if (l.nr_devices)
		printf("# listed: id %u flags %#x\n", l.d[0].id, l.d[0].flags);
	/* the same resources are free */
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.d[0].id, id);
	CHECK(l.d[0].flags, 0);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 11b. Answers to user memory that waits for userspace (a userfaultfd)
 */

/* A page whose first touch waits for userspace */
struct uffd_page {
	int uffd;
	char *page;
};

static bool uffd_page(struct uffd_page *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	u->uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	u->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(u->uffd >= 0, 1) || !CHECK(u->page != MAP_FAILED, 1) ||
	    !CHECK(xioctl(u->uffd, UFFDIO_API, &api), 0))
		return false;
	reg.range.start = (uintptr_t)u->page;
	reg.range.len = 4096;
	return CHECK(xioctl(u->uffd, UFFDIO_REGISTER, &reg), 0);
}

/* Wait up to @ms for the page's next fault: true if one came. */
static bool uffd_wait_fault(struct uffd_page *u, int ms)
{
	struct pollfd p = { .fd = u->uffd, .events = POLLIN };
	struct uffd_msg msg;

	return poll(&p, 1, ms) == 1 &&
	       read(u->uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT;
}

/* Resolve the fault: map a zero page there and wake the waiter. */
static bool uffd_resolve(struct uffd_page *u)
{
	struct uffdio_zeropage z = {
		.range = { .start = (uintptr_t)u->page, .len = 4096 },
	};

	return CHECK(xioctl(u->uffd, UFFDIO_ZEROPAGE, &z), 0);
}

struct ioctl_thread {
	pthread_t th;
	int fd;
	unsigned long req;
	void *arg;
	int ret;
};

static void *ioctl_thread_fn(void *arg)
{
	struct ioctl_thread *t = arg;

	t->ret = xioctl(t->fd, t->req, t->arg);
	return NULL;
}

static bool ioctl_thread_start(struct ioctl_thread *t, int fd,
			       unsigned long req, void *arg)
{
	*t = (struct ioctl_thread){ .fd = fd, .req = req, .arg = arg };
	return CHECK(pthread_create(&t->th, NULL, ioctl_thread_fn, t), 0);
}

/* Join @t within @ms: true if it ended. */
static bool ioctl_thread_join(struct ioctl_thread *t, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return !pthread_timedjoin_np(t->th, NULL, &ts);
}

/*
 * A LIST whose answer waits on a userfaultfd page holds up no other call
 * on the context: it copies out after the context's lock.
 */
static void test_uffd_list_no_stall(void)
{
	struct dbdev_list_devices a = {
		.argsz = sizeof(a), .nr_devices = 4, .nr_resources = 8,
	};
	struct ioctl_thread lister, creator;
	struct dbdev_uresource r = RES_PIO(0x60, 1);
	struct dbdev_create_device c;
	struct uffd_page u;
	bool joined;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	if (!uffd_page(&u))
		return;
	REQUIRE(create_std(fd, &id), 0);
	a.devices = (uintptr_t)u.page;
	a.resources = (uintptr_t)(u.page + 2048);
	REQUIRE(ioctl_thread_start(&lister, fd, DBDEV_LIST_DEVICES, &a), 1);
	REQUIRE(uffd_wait_fault(&u, 10000), 1);

	/* LIST waits for the page: a create on the context goes through */
	create_init(&c, 0, &r, 1, NULL, 0);
	REQUIRE(ioctl_thread_start(&creator, fd, DBDEV_CREATE_DEVICE, &c), 1);
	joined = ioctl_thread_join(&creator, 3000);
	CHECK(joined, 1);

	uffd_resolve(&u);
	REQUIRE(ioctl_thread_join(&lister, 10000), 1);
	if (!joined)
		pthread_join(creator.th, NULL);
	CHECK(creator.ret, 0);
	CHECK(c.id, id + 1);
	/* the list as it was when LIST looked, before or after the create */
	CHECK(lister.ret, 0);
	CHECK(a.nr_devices == 1 || a.nr_devices == 2, 1);
	CHECK(((struct dbdev_device_info *)u.page)->id, id);
	close(fd);
}

/*
 * A create whose answer page is taken away once the call has it still
 * answers, and the device it answers for is there; never "-EFAULT with
 * the device made".  The argument structure is on page A, @assigned on
 * page B, both of a userfaultfd: the call takes A first, so when B's
 * fault arrives, A is taken away (MADV_DONTNEED) before B is given.
 * Should the call touch A again, A is unmapped.
 */
static void test_uffd_create_answer(void)
{
	struct dbdev_uresource r = RES_PIO(0x60, 1), *got;
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_zeropage z = { .range.len = 4096 };
	struct uffdio_range a_range = { .len = 4096 };
	struct dbdev_create_device *c;
	struct ioctl_thread creator;
	struct uffd_page u;
	struct test_list l;
	int fd, faults = 0;
	char *two;

	OPEN_CTX(fd);
	two = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u.uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	REQUIRE(two != MAP_FAILED, 1);
	REQUIRE(u.uffd >= 0, 1);
	REQUIRE(xioctl(u.uffd, UFFDIO_API, &api), 0);
	c = (struct dbdev_create_device *)two;		/* present */
	got = (struct dbdev_uresource *)(two + 4096);	/* missing */
	create_init(c, 0, &r, 1, got, 1);
	reg.range.start = (uintptr_t)two;
	reg.range.len = 8192;
	REQUIRE(xioctl(u.uffd, UFFDIO_REGISTER, &reg), 0);
	a_range.start = (uintptr_t)two;
	z.range.start = (uintptr_t)got;

	REQUIRE(ioctl_thread_start(&creator, fd, DBDEV_CREATE_DEVICE, c), 1);
	REQUIRE(uffd_wait_fault(&u, 10000), 1);		/* B */
	CHECK(madvise(two, 4096, MADV_DONTNEED), 0);
	CHECK(xioctl(u.uffd, UFFDIO_ZEROPAGE, &z), 0);
	while (!ioctl_thread_join(&creator, 100)) {
		if (uffd_wait_fault(&u, 0)) {
			faults++;
			munmap(two, 4096);
			xioctl(u.uffd, UFFDIO_WAKE, &a_range);
		}
	}
	CHECK(creator.ret, 0);
	CHECK(faults, 0);
	/* the device is there, with the resources written to B */
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 1);
	CHECK_MEM(got, &r, sizeof(r));
	close(fd);
}

/* The next fault of @uffd within @ms, on the page of @pg bytes at *@page */
static bool uffd_fault_at(int uffd, int ms, size_t pg, char **page)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, ms) != 1 ||
	    read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return false;
	*page = (char *)(uintptr_t)(msg.arg.pagefault.address & ~(pg - 1));
	return true;
}

/*
 * Give @page, which faulted, a copy of @src (@pg bytes) with the 32-bit
 * @val first, and wake the waiter.
 */
static bool uffd_give(int uffd, char *page, char *src, size_t pg,
		      uint32_t val)
{
	struct uffdio_copy cp = {
		.dst = (uintptr_t)page, .src = (uintptr_t)src, .len = pg,
	};

	memcpy(src, &val, sizeof(val));
	return CHECK(xioctl(uffd, UFFDIO_COPY, &cp), 0);
}

/*
 * An injected access whose data faults holds up no unregistration, in any
 * context: the accesses of a DBDEV_IO_BATCH share the read side that
 * unregistrations wait for, but a copy that faults lets it go.  Three
 * pages of a userfaultfd hold the data of a write from A, a read into B
 * and a write from C.  The call takes them in that order before any access
 * runs; when C's fault arrives, A and B are taken away.  The faults that
 * follow, A's as the first write's data is copied in and B's as the read's
 * is copied out, are each held while a device of another context is
 * destroyed, which waits for the dispatches under way.  Whatever fails,
 * closing the userfaultfd ends the call.
 */
static void test_uffd_io_no_stall(void)
{
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_api api = { .api = UFFD_API };
	size_t pg = sysconf(_SC_PAGESIZE);
	uint32_t id, other[2], wval = 0x5aa5f00d;
	struct ioctl_thread injector, destroyer[2];
	bool injecting = false, joined[2] = { true, true };
	struct dbdev_destroy_device d[2];
	struct dbdev_io_batch b;
	struct dbdev_io ios[3];
	int fd, fd2, uffd, i;
	char *pages, *at;

	OPEN_CTX(fd);
	OPEN_CTX(fd2);
	REQUIRE(create_std(fd, &id), 0);
	for (i = 0; i < 2; i++) {
		struct dbdev_uresource r = RES_PIO(0x60 + i, 1);

		REQUIRE(create_res(fd2, &r, 1, &other[i]), 0);
	}
	/* three pages of the userfaultfd, and a fourth to copy from */
	pages = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(pages != MAP_FAILED, 1);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	reg.range.start = (uintptr_t)pages;
	reg.range.len = 3 * pg;
	if (!CHECK(uffd >= 0, 1) || !CHECK(xioctl(uffd, UFFDIO_API, &api), 0) ||
	    !CHECK(xioctl(uffd, UFFDIO_REGISTER, &reg), 0))
		goto out;
	for (i = 0; i < 3; i++)
		ios[i] = (struct dbdev_io){ .bus = DBDEV_IO_MMIO,
			.dir = i == 1 ? DBDEV_IO_READ : DBDEV_IO_WRITE,
			.size = 4, .count = 1, .addr = TEST_MMIO + 4 * (i / 2),
			.data = (uintptr_t)(pages + pg * i) };
	b = (struct dbdev_io_batch){ .argsz = sizeof(b), .nr = 3,
				     .ios = (uintptr_t)ios };

	injecting = ioctl_thread_start(&injector, fd, DBDEV_IO_BATCH, &b);
	if (!injecting)
		goto out;
	for (i = 0; i < 3; i++) {
		if (!CHECK(uffd_fault_at(uffd, 10000, pg, &at), 1))
			goto out;
		CHECK(at == pages + pg * i, 1);
		if (i == 2)
			CHECK(madvise(pages, 2 * pg, MADV_DONTNEED), 0);
		if (!uffd_give(uffd, at, pages + 3 * pg, pg, wval))
			goto out;
	}
	for (i = 0; i < 2; i++) {
		if (!CHECK(uffd_fault_at(uffd, 10000, pg, &at), 1))
			goto out;
		CHECK(at == pages + pg * i, 1);
		d[i] = (struct dbdev_destroy_device){ .argsz = sizeof(d[i]),
						      .id = other[i] };
		if (!ioctl_thread_start(&destroyer[i], fd2,
					DBDEV_DESTROY_DEVICE, &d[i]))
			goto out;
		joined[i] = ioctl_thread_join(&destroyer[i], 3000);
		if (CHECK(joined[i], 1))
			CHECK(destroyer[i].ret, 0);
		if (!uffd_give(uffd, at, pages + 3 * pg, pg, i ? 0 : wval))
			goto out;
	}
	if (!CHECK(ioctl_thread_join(&injector, 10000), 1))
		goto out;
	injecting = false;
	CHECK(injector.ret, 0);
	for (i = 0; i < 3; i++) {
		CHECK(ios[i].device, 1);
		CHECK(ios[i].result, 0);
		CHECK(ios[i].done, 1);
	}
	/* the read got what the first write put there, not what B held */
	CHECK(*(uint32_t *)(pages + pg), wval);
out:
	/* a fault still waiting fails, and the call with it */
	if (uffd >= 0)
		close(uffd);
	if (injecting)
		pthread_join(injector.th, NULL);
	for (i = 0; i < 2; i++) {
		if (joined[i])
			continue;
		pthread_join(destroyer[i].th, NULL);
		CHECK(destroyer[i].ret, 0);
	}
	munmap(pages, 4 * pg);
	close(fd2);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 12. At most 1024 devices per context
 */
#define MAX_DEVICES	1024

static void test_limit(void)
{
	static uint32_t ids[MAX_DEVICES];
	struct dbdev_uresource r;
	uint32_t id;
	int fd, i;

	OPEN_CTX(fd);
	for (i = 0; i < MAX_DEVICES; i++) {
		r = RES_PIO(0x1000 + i, 1);
		REQUIRE(create_res(fd, &r, 1, &ids[i]), 0);
	}
	CHECK(nr_devs(fd), MAX_DEVICES);
	r = RES_PIO(0x1000 + MAX_DEVICES, 1);
	CHECK(create_res(fd, &r, 1, &id), -EMFILE);
	r = RES_PIO(0x1000 + MAX_DEVICES + 1, 1);
	CHECK(create_res(fd, &r, 1, &id), -EMFILE);

	/* one goes, another comes */
	REQUIRE(destroy_dev(fd, ids[100]), 0);
	r = RES_PIO(0x1000 + MAX_DEVICES, 1);
	CHECK(create_res(fd, &r, 1, &id), 0);
	r = RES_PIO(0x1000 + 100, 1);
	CHECK(create_res(fd, &r, 1, &id), -EMFILE);
	CHECK(nr_devs(fd), MAX_DEVICES);
	CHECK(io_result(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 0x1000 + MAX_DEVICES, &r), 0);
	CHECK(io_result(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 0x1000 + 100, &r), -ENODEV);

	/* the limit is per context */
	{
		int fd2;

		OPEN_CTX(fd2);
		CHECK(create_std(fd2, &id), 0);
		close(fd2);
	}
	close(fd);
}

/* Percpu: of /proc/meminfo, in kB; -1 if it cannot be read */
static long meminfo_percpu(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Percpu: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * A context takes no per-CPU memory: that is charged to no memory cgroup
 * (an SRCU of its own would take about 0.5 KiB per possible CPU).  2000
 * contexts may make the kernel's per-CPU area grow by 64 KiB at most.
 */
static void test_ctx_percpu(void)
{
	enum { NR = 2000 };
	struct rlimit rl = { NR + 64, NR + 64 };
	static int fds[NR];
	long before, after;
	int i;

	REQUIRE(setrlimit(RLIMIT_NOFILE, &rl), 0);
	before = meminfo_percpu();
	REQUIRE(before >= 0, 1);
	for (i = 0; i < NR; i++)
		REQUIRE((fds[i] = open_ctx()) >= 0, 1);
	after = meminfo_percpu();
	for (i = 0; i < NR; i++)
		close(fds[i]);
	printf("# Percpu: %ld kB, %ld kB with %d contexts\n", before, after, NR);
	CHECK(after - before <= 64, 1);
}

/* ------------------------------------------------------------------------
 * 13. Contexts do not see each other
 */
static void test_isolation(void)
{
	uint32_t a, b, va = 0xaaaaaaaa, vb = 0xbbbbbbbb, v;
	struct dbdev_upools p;
	struct test_list l;
	struct test_log log;
	int fa, fb;

	OPEN_CTX(fa);
	OPEN_CTX(fb);
	REQUIRE(create_std(fa, &a), 0);
	CHECK(io_result(fa, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, &va), 0);

	/* b sees nothing of a */
	CHECK(mmio_read32(fb, TEST_MMIO, &v), -ENODEV);
	CHECK(io_result(fb, DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, &v), -ENODEV);
	REQUIRE(list_devs(fb, &l), 0);
	CHECK(l.nr_devices, 0);
	CHECK(l.nr_resources, 0);
	CHECK(destroy_dev(fb, a), -ENOENT);
	CHECK(read_log(fb, a, &log), -ENOENT);
	default_pools(&p);
	CHECK(xioctl(fb, DBDEV_SET_POOLS, &p), 0);	/* b has no device */

	/* the same addresses in both */
	REQUIRE(create_std(fb, &b), 0);
	CHECK(io_result(fb, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, &vb), 0);
	CHECK(mmio_read32(fa, TEST_MMIO, &v), 0);
	CHECK(v, va);
	CHECK(mmio_read32(fb, TEST_MMIO, &v), 0);
	CHECK(v, vb);
	REQUIRE(read_log(fa, a, &log), 0);
	CHECK(log.head.nr, 2);
	CHECK(log.head.writes, 1);
	REQUIRE(read_log(fb, b, &log), 0);
	CHECK(log.head.nr, 2);
	CHECK(log.head.writes, 1);
	REQUIRE(list_devs(fb, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.d[0].id, b);

	/* a going away leaves b alone */
	close(fa);
	CHECK(mmio_read32(fb, TEST_MMIO, &v), 0);
	CHECK(v, vb);
	CHECK(nr_devs(fb), 1);
	close(fb);
}

/* ------------------------------------------------------------------------
 * 14. Closing a context while it is in use
 */
struct injector {
	int fd;
	int bus;
	int dir;
	unsigned long long n;	/* accesses that worked */
	int err;		/* how the loop ended */
	int bad_result;
};

static void *inject(void *arg)
{
	struct injector *in = arg;
	uint8_t buf[64] = { 0 };
	struct dbdev_io_one a;
	int size = in->bus == DBDEV_IO_PIO ? 1 : 8;
	uint64_t addr = in->bus == DBDEV_IO_PIO ? TEST_PIO : TEST_MMIO;

	for (;;) {
		io_init(&a, in->bus, in->dir, size, 8, addr, buf);
		if (ioctl(in->fd, DBDEV_IO, &a)) {
			in->err = errno;
			break;
		}
		if (a.io.result)
			in->bad_result = a.io.result;
		in->n++;
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void test_close_while_injecting(void)
{
	struct injector in[2];
	pthread_t th[2];
	struct test_log log;
	uint32_t id, v;
	int fd, fd2, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	fd2 = dup(fd);
	REQUIRE(fd2 >= 0, 1);
	in[0] = (struct injector){ .fd = fd2, .bus = DBDEV_IO_MMIO, .dir = DBDEV_IO_READ };
	in[1] = (struct injector){ .fd = fd, .bus = DBDEV_IO_PIO, .dir = DBDEV_IO_WRITE };
	for (i = 0; i < 2; i++)
		REQUIRE(pthread_create(&th[i], NULL, inject, &in[i]), 0);
	sleep_ms(50);
	close(fd);
	close(fd2);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		printf("# injector %d: %llu accesses, then %s\n", i, in[i].n,
		       strerrorname_np(in[i].err) ?: "?");
		CHECK(in[i].err, EBADF);
		CHECK(in[i].bad_result, 0);
		CHECK(in[i].n > 0, 1);
	}

	/* a new context works */
	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(v, 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 1);
	close(fd);
}

static void test_close_with_tx(void)
{
	struct dbdev_uconstraint con[] = {
		CON(DBDEV_UC_MMIO, 0x1000), CON(DBDEV_UC_LEGACY_IRQ, 1),
		CON(DBDEV_UC_KVM_SLOT, 4), CON(DBDEV_UC_MAC, 1),
	};
	struct dbdev_create_device c;
	struct dbdev_uresource r = RES_MMIO(TEST_MMIO + TEST_MMIO_SIZE, 0x1000);
	uint32_t a, b, v;
	int fd, i;

	for (i = 0; i < 3; i++) {
		OPEN_CTX(fd);
		REQUIRE(create_std(fd, &a), 0);
		create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, ARRAY_SIZE(con), NULL, 0);
		REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
		b = c.id;
		REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
		REQUIRE(create_res(fd, &r, 1, NULL), 0);
		if (i >= 1)
			REQUIRE(destroy_dev(fd, a), 0);
		if (i >= 2) {
			REQUIRE(destroy_dev(fd, b), 0);
			REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
		}
		CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
		close(fd);
	}

	/* a new context works */
	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &a), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(nr_devs(fd), 1);
	close(fd);
}

/* ------------------------------------------------------------------------
 * The table and main()
 */

/* ------------------------------------------------------------------------
 * 15. Readers on other CPUs while devices come and go
 *
 * Meant for an SMP guest (the QEMU runner has two CPUs): two threads read
 * without pause while the main thread swaps the device at SWAP_MMIO for a
 * new one in a transaction, and a third thread creates and destroys
 * devices all around it, which rebalances the bus trees under the readers.
 * A swap is one commit, so a reader must never find SWAP_MMIO empty; it
 * sees the old device's word or the new device's (0 until the main thread
 * writes SWAP_WORD into it).  The device at STABLE_MMIO never changes.
 */
#define SWAP_MMIO	0x20000000ULL
#define STABLE_MMIO	0x30000000ULL
#define CHURN_MMIO	0x40000000ULL
#define SWAP_WORD	0x5a5a5a5aU
#define STABLE_WORD	0x3c3c3c3cU
#define SWAP_ROUNDS	2000

struct stress {
	int fd;
	volatile int stop;
	unsigned long long reads, churns;
	int bad_swap, bad_stable, bad_churn;
	uint32_t bad_value;
};

static void *stress_reader(void *arg)
{
	struct stress *st = arg;
	uint32_t v;
	int ret;

	while (!st->stop) {
		ret = mmio_read32(st->fd, SWAP_MMIO, &v);
		if (ret || (v != 0 && v != SWAP_WORD)) {
			st->bad_swap = ret ? ret : 1;
			st->bad_value = v;
		}
		ret = mmio_read32(st->fd, STABLE_MMIO, &v);
		if (ret || v != STABLE_WORD)
			st->bad_stable = ret ? ret : 1;
		__atomic_add_fetch(&st->reads, 2, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *stress_churn(void *arg)
{
	struct stress *st = arg;
	uint32_t ids[16];
	unsigned int i;

	while (!st->stop) {
		for (i = 0; i < ARRAY_SIZE(ids); i++) {
			struct dbdev_uresource r =
				RES_MMIO(CHURN_MMIO + i * 0x1000ULL, 0x1000);

			if (create_res(st->fd, &r, 1, &ids[i]))
				st->bad_churn = 1;
		}
		for (i = 0; i < ARRAY_SIZE(ids); i++)
			if (destroy_dev(st->fd, ids[i]))
				st->bad_churn = 1;
		st->churns++;
	}
	return NULL;
}

static int write32(int fd, uint64_t addr, uint32_t v)
{
	return io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, addr, &v);
}

static void test_stress_swap(void)
{
	struct dbdev_uresource swap = RES_MMIO(SWAP_MMIO, 0x1000);
	struct dbdev_uresource stable = RES_MMIO(STABLE_MMIO, 0x1000);
	struct stress st = { 0 };
	pthread_t th[3];
	uint32_t cur, next, id;
	int i, swaps;

	OPEN_CTX(st.fd);
	REQUIRE(create_res(st.fd, &stable, 1, &id), 0);
	REQUIRE(write32(st.fd, STABLE_MMIO, STABLE_WORD), 0);
	REQUIRE(create_res(st.fd, &swap, 1, &cur), 0);
	REQUIRE(write32(st.fd, SWAP_MMIO, SWAP_WORD), 0);

	REQUIRE(pthread_create(&th[0], NULL, stress_reader, &st), 0);
	REQUIRE(pthread_create(&th[1], NULL, stress_reader, &st), 0);
	REQUIRE(pthread_create(&th[2], NULL, stress_churn, &st), 0);
	for (swaps = 0; swaps < SWAP_ROUNDS; swaps++) {
		if (!CHECK(tx(st.fd, DBDEV_TX_BEGIN), 0) ||
		    !CHECK(destroy_dev(st.fd, cur), 0) ||
		    !CHECK(create_res(st.fd, &swap, 1, &next), 0) ||
		    !CHECK(tx(st.fd, DBDEV_TX_COMMIT), 0) ||
		    !CHECK(write32(st.fd, SWAP_MMIO, SWAP_WORD), 0))
			break;
		cur = next;
	}
	st.stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);

	printf("# %d swaps, %llu reads, %llu churn rounds of 16 devices\n",
	       swaps, st.reads, st.churns);
	CHECK(swaps, SWAP_ROUNDS);
	CHECK(st.bad_swap, 0);
	CHECK(st.bad_value == 0 || st.bad_value == SWAP_WORD, 1);
	CHECK(st.bad_stable, 0);
	CHECK(st.bad_churn, 0);
	CHECK(st.reads > SWAP_ROUNDS, 1);
	CHECK(st.churns > 0, 1);
	CHECK(nr_devs(st.fd), 2);
	close(st.fd);
}

/* ------------------------------------------------------------------------
 * 16. Slot counts too large for an answer
 *
 * A KVM slot constraint of n slots gives n resources.  With the slot pool
 * opened to all 2^32 numbers, a constraint of 2^32 slots, or one whose
 * count added to others' would wrap 32 bits, must be refused (E2BIG), not
 * counted modulo 2^32.
 */
static void test_hostile_slot_count(void)
{
	struct dbdev_uconstraint con[DBDEV_MAX_ITEMS];
	struct dbdev_create_device c;
	struct dbdev_upools p;
	int fd, i;

	OPEN_CTX(fd);
	default_pools(&p);
	p.kvm_slot.min = 0;
	p.kvm_slot.max = 0xffffffffULL;
	REQUIRE(xioctl(fd, DBDEV_SET_POOLS, &p), 0);

	con[0] = CON(DBDEV_UC_KVM_SLOT, 1ULL << 32);
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, 1, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -E2BIG);

	for (i = 0; i < DBDEV_MAX_ITEMS - 1; i++)
		con[i] = CON(DBDEV_UC_MAC, 1);
	con[i] = CON(DBDEV_UC_KVM_SLOT, (1ULL << 32) - (DBDEV_MAX_ITEMS - 2));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, DBDEV_MAX_ITEMS, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -E2BIG);

	/* 65 slots is one too many; 64 is the most */
	con[0] = CON(DBDEV_UC_KVM_SLOT, DBDEV_MAX_ITEMS + 1);
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, 1, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -E2BIG);
	CHECK(nr_devs(fd), 0);
	con[0] = CON(DBDEV_UC_KVM_SLOT, DBDEV_MAX_ITEMS);
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, 1, NULL, 0);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(c.nr_assigned, DBDEV_MAX_ITEMS);
	CHECK(nr_devs(fd), 1);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 17. Interrupts: eventfds on a device's lines, vectors and notification
 */
#define RES_IRQ(n)	RES(DBDEV_UR_LEGACY_IRQ, n, 0)

/*
 * How long to wait for what dbdev signals from its work item (a resample),
 * and how long to watch for a signal that must not come: long enough for
 * that work item to have run, had it been queued.
 */
#define IRQ_WAIT_MS	1000
#define IRQ_QUIET_MS	50

static struct dbdev_uresource res_msi(uint32_t msi_type, uint64_t base,
				      uint64_t size)
{
	struct dbdev_uresource r = RES(DBDEV_UR_MSI, base, size);

	r.msi_type = msi_type;
	return r;
}

/* A non-blocking eventfd, or -1 with the test failed */
static int efd_new(void)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (efd < 0) {
		test_failed = 1;
		printf("# eventfd: %s\n", strerror(errno));
	}
	return efd;
}

/* Read (and so reset) an eventfd's count: the count, or -errno */
static long long efd_take(int efd)
{
	uint64_t v;
	ssize_t n = read(efd, &v, sizeof(v));

	if (n < 0)
		return -errno;
	return n == sizeof(v) ? (long long)v : -EIO;
}

/* Add @v to an eventfd's count: 0 or -errno */
static int efd_add(int efd, uint64_t v)
{
	return write(efd, &v, sizeof(v)) == sizeof(v) ? 0 : -errno;
}

/* Wait up to @ms for the eventfd to be readable: 1 if it is, 0, -errno */
static int efd_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	int n = poll(&p, 1, ms);

	if (n < 0)
		return -errno;
	return n && (p.revents & POLLIN);
}

static struct dbdev_device_eventfd efd_arg(uint32_t id, uint32_t kind,
					   uint32_t index, int efd)
{
	return (struct dbdev_device_eventfd){
		.argsz = sizeof(struct dbdev_device_eventfd), .id = id,
		.kind = kind, .index = index, .fd = efd, .resample_fd = -1,
	};
}

static int efd_ioctl(int fd, struct dbdev_device_eventfd a)
{
	return xioctl(fd, DBDEV_DEVICE_EVENTFD, &a);
}

/* Connect @efd, and @resample unless it is -1: -errno, or 0 */
static int efd_connect(int fd, uint32_t id, uint32_t kind, uint32_t index,
		       int efd, int resample)
{
	struct dbdev_device_eventfd a = efd_arg(id, kind, index, efd);

	if (resample != -1) {
		a.flags = DBDEV_EVENTFD_RESAMPLE;
		a.resample_fd = resample;
	}
	return efd_ioctl(fd, a);
}

static int efd_disconnect(int fd, uint32_t id, uint32_t kind, uint32_t index)
{
	struct dbdev_device_eventfd a = efd_arg(id, kind, index, -1);

	a.flags = DBDEV_EVENTFD_DEASSIGN;
	return efd_ioctl(fd, a);
}

/* A "dbdev-test" command with @len bytes of input at @in: -errno, or 0 */
static int dev_cmd(int fd, uint32_t id, uint32_t op, const void *in,
		   uint32_t len)
{
	struct dbdev_device_ctl c = {
		.argsz = sizeof(c), .id = id, .op = op, .in_len = len,
		.buf = (uintptr_t)in,
	};

	return xioctl(fd, DBDEV_DEVICE_CTL, &c);
}

/* DBDEV_TEST_IRQ: raise or lower a line, send a vector, notify */
static int dev_irq(int fd, uint32_t id, uint32_t kind, uint32_t index,
		   uint32_t level)
{
	struct dbdev_test_irq irq = {
		.kind = kind, .index = index, .level = level,
	};

	return dev_cmd(fd, id, DBDEV_TEST_IRQ, &irq, sizeof(irq));
}

#define LINE_UP(fd, id, n)	dev_irq(fd, id, DBDEV_EVENTFD_LINE, n, 1)
#define LINE_DOWN(fd, id, n)	dev_irq(fd, id, DBDEV_EVENTFD_LINE, n, 0)
#define MSI_SEND(fd, id, n)	dev_irq(fd, id, DBDEV_EVENTFD_MSI, n, 0)
#define NOTIFY(fd, id)		dev_irq(fd, id, DBDEV_EVENTFD_NOTIFY, 0, 0)

/* DBDEV_TEST_FAIL: make the access after @after fail with @error */
static int dev_fail(int fd, uint32_t id, uint32_t after, int32_t error)
{
	struct dbdev_test_fail f = { .after = after, .error = error };

	return dev_cmd(fd, id, DBDEV_TEST_FAIL, &f, sizeof(f));
}

static int dev_stats(int fd, uint32_t id, struct dbdev_device_stats *st)
{
	memset(st, 0x5a, sizeof(*st));
	st->argsz = sizeof(*st);
	st->id = id;
	return xioctl(fd, DBDEV_DEVICE_STATS, st);
}

/* The device's DBDEV_DEVICE_STATS are exactly these */
#define CHECK_STATS(_fd, _id, _irqs, _unbound, _resampled, _notified) do { \
	struct dbdev_device_stats _st;					\
									\
	if (CHECK(dev_stats(_fd, _id, &_st), 0)) {			\
		CHECK(_st.argsz, sizeof(_st));				\
		CHECK(_st.id, _id);					\
		CHECK(_st.irqs, _irqs);					\
		CHECK(_st.irqs_unbound, _unbound);			\
		CHECK(_st.irqs_resampled, _resampled);			\
		CHECK(_st.notifications, _notified);			\
	}								\
} while (0)

/* Create a device of @type at @r: -errno, or 0 and *@id */
static int create_typed(int fd, const char *type, struct dbdev_uresource r,
			uint32_t *id)
{
	struct dbdev_create_device c;
	int err;

	create_init(&c, 0, &r, 1, NULL, 0);
	strcpy(c.type, type);
	err = xioctl(fd, DBDEV_CREATE_DEVICE, &c);
	*id = c.id;
	return err;
}

static uint64_t io_val(int fd, int bus, uint64_t addr, int size)
{
	uint64_t v = 0;

	CHECK(io_result(fd, bus, DBDEV_IO_READ, size, addr, &v), 0);
	return v;
}

static void io_set(int fd, int bus, uint64_t addr, int size, uint64_t v)
{
	CHECK(io_result(fd, bus, DBDEV_IO_WRITE, size, addr, &v), 0);
}

/*
 * 9e. The samples' state: a UART's registers and both FIFOs, the register
 * block's registers, saved, moved to another context and reset
 */
static void test_sample_state(void)
{
	static uint8_t st[16 * 1024];
	struct dbdev_device_ctl ctl;
	uint32_t uart, uart2, regs, regs2, len;
	char tx[8] = { 0 };
	int fd, fd2;

	OPEN_CTX(fd);
	fd2 = open_ctx();
	REQUIRE(fd2 >= 0, 1);
	REQUIRE(create_typed(fd, DBDEV_UART_TYPE, RES_PIO(0x3f8, 8), &uart), 0);
	REQUIRE(create_typed(fd2, DBDEV_UART_TYPE, RES_PIO(0x3f8, 8), &uart2), 0);
	io_set(fd, DBDEV_IO_PIO, 0x3fb, 1, 0x03);	/* LCR */
	io_set(fd, DBDEV_IO_PIO, 0x3ff, 1, 0x5a);	/* SCR */
	io_set(fd, DBDEV_IO_PIO, 0x3f9, 1, 0x01);	/* IER: received data */
	io_set(fd, DBDEV_IO_PIO, 0x3f8, 1, 'h');	/* THR */
	io_set(fd, DBDEV_IO_PIO, 0x3f8, 1, 'i');
	CHECK(dev_cmd(fd, uart, DBDEV_UART_WRITE_RX, "ok", 2), 0);
	REQUIRE(dev_save(fd, uart, st, sizeof(st), &len), 0);
	CHECK(len, sizeof(struct dbdev_state_header) + 20 + 4);
	CHECK(dev_restore(fd2, uart2, st, len), 0);
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3fb, 1), 0x03);
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3ff, 1), 0x5a);
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3f9, 1), 0x01);
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3fa, 1), 0x04);	/* IIR: data */
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3f8, 1), 'o');
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3f8, 1), 'k');
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3fd, 1), 0x60);	/* LSR */
	ctl = (struct dbdev_device_ctl){
		.argsz = sizeof(ctl), .id = uart2, .op = DBDEV_UART_READ_TX,
		.out_len = sizeof(tx), .buf = (uintptr_t)tx,
	};
	CHECK(xioctl(fd2, DBDEV_DEVICE_CTL, &ctl), 0);
	CHECK(ctl.out_len, 2);
	CHECK(memcmp(tx, "hi", 2), 0);
	/* a state with an IER bit the UART does not have */
	st[sizeof(struct dbdev_state_header)] = 0x10;
	CHECK(dev_restore(fd2, uart2, st, len), -EINVAL);
	CHECK(io_val(fd2, DBDEV_IO_PIO, 0x3f9, 1), 0x01);
	/* reset: as at power-on */
	CHECK(dev_reset(fd, uart), 0);
	CHECK(io_val(fd, DBDEV_IO_PIO, 0x3ff, 1), 0);
	CHECK(io_val(fd, DBDEV_IO_PIO, 0x3fb, 1), 0);
	CHECK(io_val(fd, DBDEV_IO_PIO, 0x3fd, 1), 0x60);
	ctl.id = uart;
	ctl.out_len = sizeof(tx);
	CHECK(xioctl(fd, DBDEV_DEVICE_CTL, &ctl), 0);
	CHECK(ctl.out_len, 0);

	REQUIRE(create_typed(fd, DBDEV_REGS_TYPE, RES_MMIO(0xd0000000, 0x1000),
			     &regs), 0);
	REQUIRE(create_typed(fd2, DBDEV_REGS_TYPE, RES_MMIO(0xd0000000, 0x1000),
			     &regs2), 0);
	io_set(fd, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_SCRATCH, 4, 0xabcd);
	io_set(fd, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_COUNTER, 4, 41);
	CHECK(io_val(fd, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_COUNTER, 4), 41);
	REQUIRE(dev_save(fd, regs, st, sizeof(st), &len), 0);
	CHECK(dev_restore(fd2, regs2, st, len), 0);
	CHECK(io_val(fd2, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_SCRATCH, 4), 0xabcd);
	CHECK(io_val(fd2, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_COUNTER, 4), 42);
	CHECK(dev_reset(fd, regs), 0);
	CHECK(io_val(fd, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_SCRATCH, 4), 0);
	CHECK(io_val(fd, DBDEV_IO_MMIO, 0xd0000000 + DBDEV_REGS_COUNTER, 4), 0);
	CHECK(dev_restore(fd2, regs2, st, len - 1), -EINVAL);
	/* a state of one type does not go into another */
	CHECK(dev_restore(fd2, uart2, st, len), -EINVAL);
	close(fd2);
	close(fd);
}

/* The entry of @name in a DBDEV_LIST_TYPES answer of @n, or NULL */
static const struct dbdev_type_info *type_in(const struct dbdev_type_info *t,
					     unsigned int n, const char *name)
{
	while (n--)
		if (!strcmp(t[n].name, name))
			return &t[n];
	return NULL;
}

#define CHECK_FIELD(f, _name, _off, _size, _fmt) do {			\
	CHECK(strcmp((f)->name, _name), 0);				\
	CHECK((f)->offset, _off);					\
	CHECK((f)->size, _size);					\
	CHECK((f)->format, _fmt);					\
	CHECK((f)->reserved, 0);					\
} while (0)

/*
 * 9f. Discovery: the types loaded, what each has and takes, and the
 * fields of its parameters and commands
 */
static void test_types(void)
{
	struct dbdev_type_info types[16];
	const struct dbdev_type_info *t;
	struct dbdev_list_types l;
	struct dbdev_describe_type d;
	struct dbdev_ufield f[32];
	struct dbdev_uctl c[4];
	uint8_t wide[17 * 80], zero[80], untouched[80];
	uint32_t n, i;
	int fd;

	OPEN_CTX(fd);
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	CHECK(xioctl(fd, DBDEV_LIST_TYPES, &l), -E2BIG);
	n = l.nr_types;
	CHECK(n >= 4 && n <= 16, 1);
	memset(types, 0x5a, sizeof(types));
	l.nr_types = 16;
	l.types = (uintptr_t)types;
	REQUIRE(xioctl(fd, DBDEV_LIST_TYPES, &l), 0);
	CHECK(l.nr_types, n);

	t = type_in(types, n, DBDEV_TEST_TYPE);
	REQUIRE(t != NULL, 1);
	CHECK(t->flags, DBDEV_TYPE_CTL | DBDEV_TYPE_RESET | DBDEV_TYPE_STATE);
	CHECK(t->params_size, sizeof(struct dbdev_test_params));
	CHECK(t->params_min, DBDEV_TEST_PARAMS_SIZE_VER0);
	CHECK(t->state_version, 1);
	CHECK(t->nr_params, 2);
	CHECK(t->nr_ctls, 3);
	CHECK(t->nr_fields, 2 + (4 + 7) + 3 + 2);
	CHECK(t->reserved, 0);
	t = type_in(types, n, DBDEV_TEST_BARE_TYPE);
	REQUIRE(t != NULL, 1);
	CHECK(t->flags, 0);
	CHECK(t->params_size, 0);
	CHECK(t->state_version, 0);
	CHECK(t->nr_ctls + t->nr_fields + t->nr_params, 0);
	t = type_in(types, n, DBDEV_UART_TYPE);
	REQUIRE(t != NULL, 1);
	CHECK(t->flags, DBDEV_TYPE_CTL | DBDEV_TYPE_RESET | DBDEV_TYPE_STATE);
	CHECK(t->nr_ctls, 2);
	CHECK(t->nr_fields, 0);
	t = type_in(types, n, DBDEV_REGS_TYPE);
	REQUIRE(t != NULL, 1);
	CHECK(t->flags, DBDEV_TYPE_RESET | DBDEV_TYPE_STATE);

	/*
	 * Entries as wide as the caller says, their tails zeroed, and
	 * nothing written past the last: room for one type less is too
	 * little.
	 */
	memset(wide, 0x5a, sizeof(wide));
	l.nr_types = n - 1;
	l.info_size = 80;
	l.types = (uintptr_t)wide;
	CHECK(xioctl(fd, DBDEV_LIST_TYPES, &l), -E2BIG);
	CHECK(l.nr_types, n);
	REQUIRE(xioctl(fd, DBDEV_LIST_TYPES, &l), 0);
	CHECK(l.nr_types, n);
	memset(zero, 0, sizeof(zero));
	memset(untouched, 0x5a, sizeof(untouched));
	for (i = 0; i < n; i++) {
		CHECK_MEM(wide + i * 80, &types[i], sizeof(types[i]));
		CHECK_MEM(wide + i * 80 + sizeof(types[i]), zero,
			  80 - sizeof(types[i]));
	}
	CHECK_MEM(wide + n * 80, untouched, 80);
	l.nr_types = 16;
	l.info_size = DBDEV_TYPE_INFO_SIZE_VER0 - 1;
	CHECK(xioctl(fd, DBDEV_LIST_TYPES, &l), -EINVAL);
	l.info_size = 0;
	l.flags = 1;
	CHECK(xioctl(fd, DBDEV_LIST_TYPES, &l), -EINVAL);

	/* dbdev-test: its parameters, then its commands' fields */
	memset(&d, 0, sizeof(d));
	d.argsz = sizeof(d);
	strcpy(d.type, DBDEV_TEST_TYPE);
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -E2BIG);
	CHECK(d.nr_fields, 18);
	CHECK(d.nr_ctls, 3);
	d.nr_ctls = 2;
	d.nr_fields = 32;
	d.fields = (uintptr_t)f;
	d.ctls = (uintptr_t)c;
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -E2BIG);
	d.nr_ctls = 4;
	memset(f, 0x5a, sizeof(f));
	memset(c, 0x5a, sizeof(c));
	REQUIRE(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), 0);
	CHECK(d.nr_fields, 18);
	CHECK(d.nr_ctls, 3);
	CHECK_FIELD(&f[0], "store", 4, 4, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[1], "log", 8, 4, DBDEV_UFIELD_UINT);
	CHECK(c[0].op, DBDEV_TEST_READ_LOG);
	CHECK(strcmp(c[0].name, "read_log"), 0);
	CHECK(c[0].flags, 0);
	CHECK(c[0].in_size, 0);
	CHECK(c[0].out_size, sizeof(struct dbdev_test_log));
	CHECK(c[0].each_size, sizeof(struct dbdev_test_access));
	CHECK(c[0].in_fields, 0);
	CHECK(c[0].out_fields, 4);
	CHECK(c[0].each_fields, 7);
	CHECK(c[0].reserved[0] | c[0].reserved[1], 0);
	CHECK_FIELD(&f[2], "nr", 0, 4, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[5], "writes", 12, 4, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[6], "seq", 4, 4, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[7], "bus", 0, 1, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[12], "data", 24, 8, DBDEV_UFIELD_HEX);
	CHECK(c[1].op, DBDEV_TEST_IRQ);
	CHECK(c[1].in_size, sizeof(struct dbdev_test_irq));
	CHECK(c[1].in_fields, 3);
	CHECK(c[1].out_size + c[1].each_size, 0);
	CHECK_FIELD(&f[13], "kind", 0, 4, DBDEV_UFIELD_UINT);
	CHECK(c[2].op, DBDEV_TEST_FAIL);
	CHECK_FIELD(&f[16], "after", 0, 4, DBDEV_UFIELD_UINT);
	CHECK_FIELD(&f[17], "error", 4, 4, DBDEV_UFIELD_INT);

	/* the UART's commands carry bytes */
	memset(&d, 0, sizeof(d));
	d.argsz = sizeof(d);
	strcpy(d.type, DBDEV_UART_TYPE);
	d.nr_ctls = 4;
	d.ctls = (uintptr_t)c;
	REQUIRE(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), 0);
	CHECK(d.nr_fields, 0);
	CHECK(d.nr_ctls, 2);
	CHECK(c[0].op, DBDEV_UART_READ_TX);
	CHECK(c[0].flags, DBDEV_UCTL_OUT_BYTES);
	CHECK(strcmp(c[1].name, "write_rx"), 0);
	CHECK(c[1].flags, DBDEV_UCTL_IN_BYTES);

	/* errors */
	strcpy(d.type, "no-such-type");
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -ENOENT);
	memset(d.type, 'a', sizeof(d.type));
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -EINVAL);
	strcpy(d.type, DBDEV_UART_TYPE);
	d.flags = 1;
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -EINVAL);
	d.flags = 0;
	d.ctl_size = 8;
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -EINVAL);
	d.ctl_size = 0;
	d.ctls = 0;
	CHECK(xioctl(fd, DBDEV_DESCRIBE_TYPE, &d), -EFAULT);
	close(fd);
}

/* The I/O counters of DBDEV_DEVICE_STATS are exactly these */
#define CHECK_IO_STATS(_fd, _id, _pr, _pw, _pe, _mr, _mw, _me) do {	\
	struct dbdev_device_stats _st;					\
									\
	if (CHECK(dev_stats(_fd, _id, &_st), 0)) {			\
		CHECK(_st.pio_reads, _pr);				\
		CHECK(_st.pio_writes, _pw);				\
		CHECK(_st.pio_errors, _pe);				\
		CHECK(_st.mmio_reads, _mr);				\
		CHECK(_st.mmio_writes, _mw);				\
		CHECK(_st.mmio_errors, _me);				\
	}								\
} while (0)

/*
 * 17g. Per-device I/O counters: what the device served, per bus and
 * direction, and its failures; not what the core refused
 */
static void test_io_stats(void)
{
	uint8_t data[64] = { 0 };
	struct dbdev_io io;
	uint32_t id, id2;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	REQUIRE(create_res(fd, &RES_PIO(0x70, 2), 1, &id2), 0);
	CHECK_IO_STATS(fd, id, 0, 0, 0, 0, 0, 0);

	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 5, TEST_PIO, data, &io), 0);
	CHECK(io.done, 5);
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 2, 1, TEST_PIO, data, &io), 0);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 3, TEST_MMIO, data, &io), 0);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 8, 1, TEST_MMIO, data, &io), 0);
	CHECK_IO_STATS(fd, id, 1, 5, 0, 3, 1, 0);

	/* failed by the device: counted, as an error too */
	REQUIRE(dev_fail(fd, id, 0, -EIO), 0);
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO, data, &io), 0);
	CHECK(io.result, -EIO);
	REQUIRE(dev_fail(fd, id, 1, -EPERM), 0);
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 4, TEST_PIO, data, &io), 0);
	CHECK(io.result, -EPERM);
	CHECK(io.done, 1);
	CHECK_IO_STATS(fd, id, 3, 5, 1, 3, 2, 1);

	/* refused by the core: not counted */
	CHECK(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1,
		    TEST_MMIO + TEST_MMIO_SIZE - 2, data, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, 0x90, data, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK_IO_STATS(fd, id, 3, 5, 1, 3, 2, 1);

	/* each device its own; a batch counts as its accesses */
	CHECK(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 2, 2, 0x70, data, &io), 0);
	CHECK_IO_STATS(fd, id2, 2, 0, 0, 0, 0, 0);
	CHECK_IO_STATS(fd, id, 3, 5, 1, 3, 2, 1);
	close(fd);
}

/*
 * 17g2. A batch of a process being killed stops after the access it is in:
 * a child shares the context (fork) and runs 256 accesses of 4096 port
 * reads; once the device has seen some, the parent kills it.
 */
static void test_io_batch_killed(void)
{
	enum { NR = DBDEV_BATCH_MAX, COUNT = DBDEV_IO_MAX_BYTES };
	struct dbdev_device_stats st, again;
	uint64_t reads = 0;
	uint32_t id;
	int fd, status, i;
	pid_t pid;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);
	pid = fork();
	REQUIRE(pid >= 0, 1);
	if (!pid) {
		static struct dbdev_io ios[NR];
		static uint8_t data[COUNT];
		struct dbdev_io_batch b = {
			.argsz = sizeof(b), .nr = NR, .ios = (uintptr_t)ios,
		};

		for (i = 0; i < NR; i++)
			ios[i] = (struct dbdev_io){
				.bus = DBDEV_IO_PIO, .dir = DBDEV_IO_READ,
				.size = 1, .count = COUNT, .addr = TEST_PIO,
				.data = (uintptr_t)data,
			};
		ioctl(fd, DBDEV_IO_BATCH, &b);
		_exit(0);
	}
	for (i = 0; i < 100000 && !reads; i++) {
		if (dev_stats(fd, id, &st))
			break;
		reads = st.pio_reads;
	}
	kill(pid, SIGKILL);
	REQUIRE(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, 1);
	REQUIRE(reads > 0, 1);
	REQUIRE(dev_stats(fd, id, &st), 0);
	CHECK(st.pio_reads < (uint64_t)NR * COUNT, 1);
	CHECK(st.pio_reads % COUNT, 0);		/* whole accesses */
	REQUIRE(dev_stats(fd, id, &again), 0);
	CHECK(again.pio_reads, st.pio_reads);
	close(fd);
}

/* 17h. A reset lowers the lines: an acknowledgment then signals nothing */
static void test_irq_reset(void)
{
	struct dbdev_uresource r = RES_IRQ(5);
	uint32_t id;
	int fd, e, rs;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, &r, 1, &id), 0);
	e = efd_new();
	rs = efd_new();
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	CHECK(dev_reset(fd, id), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	/* the connection stays: the next rising edge signals */
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	close(fd);
}

/* 17a. A line: its rising edges, resampling, and nothing connected */
static void test_irq_eventfd_line(void)
{
	struct dbdev_uresource r[] = { RES_IRQ(5), RES_IRQ(7) };
	uint32_t id;
	int fd, e, rs;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, r, ARRAY_SIZE(r), &id), 0);
	e = efd_new();
	rs = efd_new();
	CHECK_STATS(fd, id, 0, 0, 0, 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	/* a low line connected signals nothing */
	CHECK(efd_take(e), -EAGAIN);

	/* the rising edge signals once; a high line raised again does not */
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 2, 0, 0, 0);

	/*
	 * The guest's acknowledgment of a line still high signals it again,
	 * from a work item; dbdev consumes the resample eventfd's count.
	 */
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK_STATS(fd, id, 2, 0, 1, 0);

	/* of a low line it does not, but is consumed all the same */
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(e), -EAGAIN);
	CHECK_STATS(fd, id, 2, 0, 1, 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 3, 0, 1, 0);

	/* disconnected: nothing listens to the resample eventfd any more */
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_LINE, 0), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs), 1);
	CHECK_STATS(fd, id, 3, 0, 1, 0);

	/* a rising edge with nothing connected is counted */
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), -EAGAIN);
	CHECK_STATS(fd, id, 4, 1, 1, 0);

	/* a line connected while high is signalled at once, and resampled */
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 4, 1, 1, 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK_STATS(fd, id, 4, 1, 2, 0);

	/* line 1 has nothing connected: its edges are unbound, not line 0's */
	REQUIRE(LINE_UP(fd, id, 1), 0);
	REQUIRE(LINE_UP(fd, id, 1), 0);
	CHECK_STATS(fd, id, 5, 2, 2, 0);
	REQUIRE(LINE_DOWN(fd, id, 1), 0);
	REQUIRE(LINE_UP(fd, id, 1), 0);
	CHECK(efd_take(e), -EAGAIN);
	CHECK_STATS(fd, id, 6, 3, 2, 0);
	/* and lowering line 1 left line 0 high */
	REQUIRE(LINE_DOWN(fd, id, 1), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 6, 3, 3, 0);
	close(fd);
	close(e);
	close(rs);
}

/* 17b. Vectors count through the MSI blocks; the notification */
static void test_irq_eventfd_msi_notify(void)
{
	struct dbdev_uresource r[] = {
		res_msi(DBDEV_UMSI_PCI, 24, 2),
		res_msi(DBDEV_UMSI_GENERIC, 40, 3),
	};
	struct dbdev_uresource r2[] = {
		RES_IRQ(5), res_msi(DBDEV_UMSI_PCI_MSIX, 100, 1),
	};
	int fd, i, n, e[5], ne, el, ev, en;
	uint32_t id, id2;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, r, ARRAY_SIZE(r), &id), 0);
	for (i = 0; i < 5; i++) {
		e[i] = efd_new();
		REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_MSI, i, e[i], -1), 0);
	}
	ne = efd_new();
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_NOTIFY, 0, ne, -1), 0);
	CHECK_STATS(fd, id, 0, 0, 0, 0);

	/* vector i sent i + 1 times: each send is one more in its eventfd */
	for (i = 0; i < 5; i++)
		for (n = 0; n <= i; n++)
			REQUIRE(MSI_SEND(fd, id, i), 0);
	for (i = 0; i < 5; i++) {
		char note[16];

		snprintf(note, sizeof(note), "vector %d", i);
		check_note = note;
		CHECK(efd_take(e[i]), i + 1);
		check_note = NULL;
	}
	CHECK(efd_take(ne), -EAGAIN);
	CHECK_STATS(fd, id, 15, 0, 0, 0);

	/* there is no sixth vector */
	CHECK(MSI_SEND(fd, id, 5), -EINVAL);
	CHECK(MSI_SEND(fd, id, UINT32_MAX), -EINVAL);
	CHECK_STATS(fd, id, 15, 0, 0, 0);

	/* the notification, once per notify, and apart from the vectors */
	REQUIRE(NOTIFY(fd, id), 0);
	CHECK(efd_take(ne), 1);
	REQUIRE(NOTIFY(fd, id), 0);
	REQUIRE(NOTIFY(fd, id), 0);
	REQUIRE(NOTIFY(fd, id), 0);
	CHECK(efd_take(ne), 3);
	for (i = 0; i < 5; i++)
		CHECK(efd_take(e[i]), -EAGAIN);
	CHECK_STATS(fd, id, 15, 0, 0, 4);

	/* a vector sent with nothing connected is counted */
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_MSI, 2), 0);
	REQUIRE(MSI_SEND(fd, id, 2), 0);
	REQUIRE(MSI_SEND(fd, id, 3), 0);
	CHECK(efd_take(e[2]), -EAGAIN);
	CHECK(efd_take(e[3]), 1);
	CHECK_STATS(fd, id, 17, 1, 0, 4);

	/*
	 * Line 0, vector 0 and the notification of one device are three
	 * different things to connect.
	 */
	REQUIRE(create_res(fd, r2, ARRAY_SIZE(r2), &id2), 0);
	el = efd_new();
	ev = efd_new();
	en = efd_new();
	REQUIRE(efd_connect(fd, id2, DBDEV_EVENTFD_LINE, 0, el, -1), 0);
	REQUIRE(efd_connect(fd, id2, DBDEV_EVENTFD_MSI, 0, ev, -1), 0);
	REQUIRE(efd_connect(fd, id2, DBDEV_EVENTFD_NOTIFY, 0, en, -1), 0);
	REQUIRE(MSI_SEND(fd, id2, 0), 0);
	CHECK(efd_take(ev), 1);
	CHECK(efd_take(el), -EAGAIN);
	CHECK(efd_take(en), -EAGAIN);
	REQUIRE(LINE_UP(fd, id2, 0), 0);
	CHECK(efd_take(el), 1);
	CHECK(efd_take(ev), -EAGAIN);
	CHECK(efd_take(en), -EAGAIN);
	REQUIRE(NOTIFY(fd, id2), 0);
	CHECK(efd_take(en), 1);
	CHECK(efd_take(el), -EAGAIN);
	CHECK(efd_take(ev), -EAGAIN);
	CHECK(MSI_SEND(fd, id2, 1), -EINVAL);
	CHECK(LINE_UP(fd, id2, 1), -EINVAL);
	CHECK_STATS(fd, id2, 2, 0, 0, 1);
	/* one device's interrupts are not another's */
	CHECK_STATS(fd, id, 17, 1, 0, 4);
	for (i = 0; i < 5; i++)
		CHECK(efd_take(e[i]), -EAGAIN);
	CHECK(efd_take(ne), -EAGAIN);

	/*
	 * A notification is not an interrupt: one with nothing connected
	 * counts in notifications only, for irqs_unbound counts "of those"
	 * (the rising edges and vectors in irqs).
	 */
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_NOTIFY, 0), 0);
	REQUIRE(NOTIFY(fd, id), 0);
	CHECK(efd_take(ne), -EAGAIN);
	CHECK_STATS(fd, id, 17, 1, 0, 5);
	close(fd);
}

/* 17c. Every errno of DBDEV_DEVICE_EVENTFD, DEVICE_STATS and TEST_IRQ */
static void test_irq_eventfd_errors(void)
{
	struct dbdev_uresource r[] = {
		RES_IRQ(5), RES_IRQ(7), res_msi(DBDEV_UMSI_PCI, 24, 2),
	};
	struct dbdev_uresource rp = RES_PIO(0x60, 1), rg = RES_PIO(0x61, 1);
	struct dbdev_device_eventfd a;
	struct dbdev_device_stats st;
	uint8_t buf[64] = { 0 };
	struct dbdev_test_irq *irq = (void *)buf;
	int fd, e, e2, rs, rs2, null, closed;
	uint32_t id, gone, plain;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, r, ARRAY_SIZE(r), &id), 0);
	REQUIRE(create_res(fd, &rp, 1, &plain), 0);
	REQUIRE(create_res(fd, &rg, 1, &gone), 0);
	REQUIRE(destroy_dev(fd, gone), 0);
	e = efd_new();
	e2 = efd_new();
	rs = efd_new();
	rs2 = efd_new();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	REQUIRE(null >= 0, 1);
	closed = dup(e);
	REQUIRE(closed >= 0, 1);
	close(closed);
	/* the line is high throughout: a wrong connection would signal */
	REQUIRE(LINE_UP(fd, id, 0), 0);

/*
 * A connection made that should not have been is undone, so that it does
 * not fail the checks after it too.
 */
#define BAD_EFD(setup, err) do {					\
	a = efd_arg(id, DBDEV_EVENTFD_LINE, 0, e);			\
	setup;								\
	if (!CHECK(efd_ioctl(fd, a), err) &&				\
	    !(a.flags & DBDEV_EVENTFD_DEASSIGN)) {			\
		efd_disconnect(fd, a.id, a.kind, a.index);		\
		efd_take(e);						\
	}								\
} while (0)
	/* no such device */
	BAD_EFD(a.id = 0, -ENOENT);
	BAD_EFD(a.id = gone, -ENOENT);
	BAD_EFD(a.id = id + 100, -ENOENT);
	BAD_EFD(a.id = UINT32_MAX, -ENOENT);
	/* malformed */
	BAD_EFD(a.kind = 3, -EINVAL);
	BAD_EFD(a.kind = UINT32_MAX, -EINVAL);
	BAD_EFD(a.flags = 4, -EINVAL);
	BAD_EFD(a.flags = 0x80000000, -EINVAL);
	BAD_EFD(a.reserved = 1, -EINVAL);
	BAD_EFD(a.reserved = 0x80000000, -EINVAL);
	BAD_EFD((a.flags = DBDEV_EVENTFD_RESAMPLE | DBDEV_EVENTFD_DEASSIGN,
		 a.resample_fd = rs), -EINVAL);
	BAD_EFD(a.argsz = 0, -EINVAL);
	BAD_EFD(a.argsz = sizeof(a) - 1, -EINVAL);
	/* what the device does not have */
	BAD_EFD(a.index = 2, -EINVAL);
	BAD_EFD(a.index = 64, -EINVAL);
	BAD_EFD(a.index = UINT32_MAX, -EINVAL);
	BAD_EFD(a.id = plain, -EINVAL);
	BAD_EFD((a.id = plain, a.kind = DBDEV_EVENTFD_MSI), -EINVAL);
	BAD_EFD((a.kind = DBDEV_EVENTFD_MSI, a.index = 2), -EINVAL);
	BAD_EFD((a.kind = DBDEV_EVENTFD_MSI, a.index = UINT32_MAX), -EINVAL);
	BAD_EFD((a.kind = DBDEV_EVENTFD_NOTIFY, a.index = 1), -EINVAL);
	BAD_EFD((a.kind = DBDEV_EVENTFD_NOTIFY, a.index = UINT32_MAX), -EINVAL);
	/* a resample eventfd is for a line only */
	BAD_EFD((a.kind = DBDEV_EVENTFD_MSI, a.flags = DBDEV_EVENTFD_RESAMPLE,
		 a.resample_fd = rs), -EINVAL);
	BAD_EFD((a.kind = DBDEV_EVENTFD_NOTIFY, a.flags = DBDEV_EVENTFD_RESAMPLE,
		 a.resample_fd = rs), -EINVAL);
	/* the flag alone asks for one, whatever resample_fd holds */
	BAD_EFD((a.kind = DBDEV_EVENTFD_MSI, a.flags = DBDEV_EVENTFD_RESAMPLE,
		 a.resample_fd = -1), -EINVAL);
	/* not an open fd */
	BAD_EFD(a.fd = -1, -EBADF);
	BAD_EFD(a.fd = closed, -EBADF);
	BAD_EFD(a.fd = INT32_MAX, -EBADF);
	BAD_EFD((a.flags = DBDEV_EVENTFD_RESAMPLE, a.resample_fd = closed), -EBADF);
	BAD_EFD((a.flags = DBDEV_EVENTFD_RESAMPLE, a.resample_fd = -1), -EBADF);
	/* open, but not an eventfd */
	BAD_EFD(a.fd = null, -EINVAL);
	BAD_EFD(a.fd = fd, -EINVAL);
	BAD_EFD((a.flags = DBDEV_EVENTFD_RESAMPLE, a.resample_fd = null), -EINVAL);
	BAD_EFD((a.flags = DBDEV_EVENTFD_RESAMPLE, a.resample_fd = fd), -EINVAL);
	/* nothing to disconnect */
	BAD_EFD(a.flags = DBDEV_EVENTFD_DEASSIGN, -ENOENT);
	BAD_EFD((a.flags = DBDEV_EVENTFD_DEASSIGN, a.kind = DBDEV_EVENTFD_MSI), -ENOENT);
	BAD_EFD((a.flags = DBDEV_EVENTFD_DEASSIGN, a.kind = DBDEV_EVENTFD_NOTIFY),
		-ENOENT);
	BAD_EFD((a.flags = DBDEV_EVENTFD_DEASSIGN, a.id = gone), -ENOENT);
	BAD_EFD((a.flags = DBDEV_EVENTFD_DEASSIGN, a.kind = 3), -EINVAL);
	/* a larger structure: its tail must be zero */
	{
		struct { struct dbdev_device_eventfd a; uint64_t tail; } big;

		memset(&big, 0, sizeof(big));
		big.a = efd_arg(id, DBDEV_EVENTFD_LINE, 0, e);
		big.a.argsz = sizeof(big);
		big.tail = 1;
		CHECK(xioctl(fd, DBDEV_DEVICE_EVENTFD, &big), -E2BIG);
	}

	/* none of it connected anything or signalled any eventfd */
	CHECK(efd_take(e), -EAGAIN);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK_STATS(fd, id, 1, 1, 0, 0);
	/* and none listens to the resample eventfds it was given */
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs), 1);

	/* connected twice: -EBUSY, and the first connection stays */
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	CHECK(efd_take(e), 1);		/* the line is high */
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e2, rs2), -EBUSY);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e2, -1), -EBUSY);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), -EBUSY);
	CHECK(efd_take(e2), -EAGAIN);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(efd_add(rs2, 1), 0);
	CHECK(efd_wait(e2, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs2), 1);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_MSI, 1, e2, -1), 0);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_MSI, 1, e2, -1), -EBUSY);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_NOTIFY, 0, e2, -1), 0);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_NOTIFY, 0, e, -1), -EBUSY);
	CHECK_STATS(fd, id, 1, 1, 1, 0);

	/* disconnected, it connects again; twice is nothing to disconnect */
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_MSI, 1), 0);
	CHECK(efd_disconnect(fd, id, DBDEV_EVENTFD_MSI, 1), -ENOENT);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_MSI, 1, e, -1), 0);
	REQUIRE(MSI_SEND(fd, id, 1), 0);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(e2), -EAGAIN);
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_NOTIFY, 0), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_NOTIFY, 0, e, -1), 0);
	REQUIRE(NOTIFY(fd, id), 0);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(e2), -EAGAIN);
	/* DEASSIGN ignores fd */
	a = efd_arg(id, DBDEV_EVENTFD_LINE, 0, closed);
	a.flags = DBDEV_EVENTFD_DEASSIGN;
	CHECK(efd_ioctl(fd, a), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e2, -1), 0);
	CHECK(efd_take(e2), 1);		/* still high */
	CHECK_STATS(fd, id, 2, 1, 1, 1);

	/*
	 * The trigger as its own resample eventfd: dbdev would take its own
	 * signal of the high line for the guest's acknowledgment, consume
	 * it and resample again from its work item, for as long as the line
	 * stays high, and the guest would never see the interrupt.
	 */
	{
		struct dbdev_uresource rl = RES_IRQ(9);
		uint32_t lid;
		int el = efd_new();

		REQUIRE(create_res(fd, &rl, 1, &lid), 0);
		REQUIRE(LINE_UP(fd, lid, 0), 0);
		if (!CHECK(efd_connect(fd, lid, DBDEV_EVENTFD_LINE, 0, el, el),
			   -EINVAL)) {
			/* let it show in the counters, then stop it */
			sleep_ms(IRQ_QUIET_MS);
			efd_disconnect(fd, lid, DBDEV_EVENTFD_LINE, 0);
			efd_take(el);
		}
		CHECK(efd_take(el), -EAGAIN);
		CHECK_STATS(fd, lid, 1, 1, 0, 0);
		close(el);
	}

	/* a larger structure with a zero tail is fine */
	{
		struct { struct dbdev_device_eventfd a; uint64_t tail; } big;

		memset(&big, 0, sizeof(big));
		big.a = efd_arg(id, DBDEV_EVENTFD_LINE, 1, e2);
		big.a.argsz = sizeof(big);
		CHECK(xioctl(fd, DBDEV_DEVICE_EVENTFD, &big), 0);
		REQUIRE(LINE_UP(fd, id, 1), 0);
		CHECK(efd_take(e2), 1);
	}
#undef BAD_EFD

	/* DBDEV_DEVICE_STATS */
	CHECK(dev_stats(fd, 0, &st), -ENOENT);
	CHECK(dev_stats(fd, gone, &st), -ENOENT);
	CHECK(dev_stats(fd, id + 100, &st), -ENOENT);
	CHECK(dev_stats(fd, UINT32_MAX, &st), -ENOENT);
	memset(&st, 0, sizeof(st));
	st.id = id;
	st.argsz = sizeof(st) - 1;
	CHECK(xioctl(fd, DBDEV_DEVICE_STATS, &st), -EINVAL);
	st.argsz = 0;
	CHECK(xioctl(fd, DBDEV_DEVICE_STATS, &st), -EINVAL);
	CHECK(st.irqs, 0);
	CHECK_STATS(fd, plain, 0, 0, 0, 0);

	/* DBDEV_TEST_IRQ */
#define BAD_IRQ(setup, len, err) do {					\
	memset(buf, 0, sizeof(buf));					\
	irq->kind = DBDEV_EVENTFD_LINE;					\
	irq->level = 1;							\
	setup;								\
	CHECK(dev_cmd(fd, id, DBDEV_TEST_IRQ, buf, len), err);		\
} while (0)
	BAD_IRQ(, 0, -EINVAL);
	BAD_IRQ(, sizeof(*irq) - 1, -EINVAL);
	BAD_IRQ(, sizeof(*irq) + 1, -EINVAL);
	BAD_IRQ(, sizeof(buf), -EINVAL);
	BAD_IRQ(irq->reserved = 1, sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->level = 2, sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->level = UINT32_MAX, sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->index = 2, sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->index = UINT32_MAX, sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->kind = DBDEV_EVENTFD_MSI, sizeof(*irq), -EINVAL);
	BAD_IRQ((irq->kind = DBDEV_EVENTFD_MSI, irq->level = 0, irq->index = 2),
		sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->kind = DBDEV_EVENTFD_NOTIFY, sizeof(*irq), -EINVAL);
	BAD_IRQ((irq->kind = DBDEV_EVENTFD_NOTIFY, irq->level = 0, irq->index = 1),
		sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->kind = 3, sizeof(*irq), -EINVAL);
	BAD_IRQ((irq->kind = 3, irq->level = 0), sizeof(*irq), -EINVAL);
	BAD_IRQ(irq->kind = UINT32_MAX, sizeof(*irq), -EINVAL);
#undef BAD_IRQ
	CHECK(dev_irq(fd, plain, DBDEV_EVENTFD_LINE, 0, 1), -EINVAL);
	CHECK(dev_irq(fd, plain, DBDEV_EVENTFD_MSI, 0, 0), -EINVAL);
	CHECK(dev_irq(fd, gone, DBDEV_EVENTFD_NOTIFY, 0, 0), -ENOENT);
	/* nothing was raised, sent or notified */
	CHECK(efd_take(e), -EAGAIN);
	CHECK(efd_take(e2), -EAGAIN);
	CHECK_STATS(fd, id, 3, 1, 1, 1);
	CHECK_STATS(fd, plain, 0, 0, 0, 0);
	close(fd);
	close(e);
	close(e2);
	close(rs);
	close(rs2);
	close(null);
}

/* 17d. Connections go with the device */
static void test_irq_eventfd_lifetime(void)
{
	struct dbdev_uresource r5 = RES_IRQ(5), r6 = RES_IRQ(6), r7 = RES_IRQ(7);
	struct dbdev_uresource rv[] = { RES_IRQ(8), res_msi(DBDEV_UMSI_PCI, 24, 1) };
	struct dbdev_device_stats st;
	int fd, fd2, e, rs, ed, rsd;
	uint32_t id, id2;

	/* destroyed: the eventfds are plain eventfds again */
	OPEN_CTX(fd);
	e = efd_new();
	rs = efd_new();
	REQUIRE(create_res(fd, &r5, 1, &id), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	REQUIRE(destroy_dev(fd, id), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs), 1);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(efd_add(e, 3), 0);
	CHECK(efd_take(e), 3);
	/* and free to connect to another device */
	REQUIRE(create_res(fd, &r5, 1, &id), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);

	/* the context closed (with the line high): the same */
	close(fd);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs), 1);
	CHECK(efd_take(e), -EAGAIN);
	REQUIRE(efd_add(e, 2), 0);
	CHECK(efd_take(e), 2);

	/*
	 * destroyed in a transaction: until the commit it is all there, its
	 * line, connections, commands and counters
	 */
	OPEN_CTX(fd);
	REQUIRE(create_res(fd, &r5, 1, &id), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, id), 0);
	CHECK(destroy_dev(fd, id), -ENOENT);		/* once */
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_MSI, 0, e, -1), -EINVAL);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), -EBUSY);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK(LINE_DOWN(fd, id, 0), 0);
	CHECK(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 2, 0, 1, 0);
	REQUIRE(tx(fd, DBDEV_TX_COMMIT), 0);
	CHECK(dev_stats(fd, id, &st), -ENOENT);
	CHECK(LINE_DOWN(fd, id, 0), -ENOENT);
	CHECK(efd_disconnect(fd, id, DBDEV_EVENTFD_LINE, 0), -ENOENT);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rs), 1);

	/* ... and a cancel keeps the device and its connections */
	REQUIRE(create_res(fd, &r6, 1, &id), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(destroy_dev(fd, id), 0);
	REQUIRE(tx(fd, DBDEV_TX_CANCEL), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);
	CHECK(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, -1), -EBUSY);
	CHECK_STATS(fd, id, 2, 0, 1, 0);

	/* created in a cancelled transaction: its eventfds are released */
	fd2 = fd;
	OPEN_CTX(fd);
	ed = efd_new();
	rsd = efd_new();
	REQUIRE(tx(fd, DBDEV_TX_BEGIN), 0);
	REQUIRE(create_res(fd, &r7, 1, &id2), 0);
	REQUIRE(efd_connect(fd, id2, DBDEV_EVENTFD_LINE, 0, ed, rsd), 0);
	REQUIRE(LINE_UP(fd, id2, 0), 0);
	CHECK(efd_take(ed), 1);
	REQUIRE(tx(fd, DBDEV_TX_CANCEL), 0);
	REQUIRE(efd_add(rsd, 1), 0);
	CHECK(efd_wait(ed, IRQ_QUIET_MS), 0);
	CHECK(efd_take(rsd), 1);
	CHECK(dev_stats(fd, id2, &st), -ENOENT);
	/* its line is free again */
	REQUIRE(create_res(fd, &r7, 1, &id2), 0);
	close(fd);
	close(ed);
	close(rsd);
	/* the other context's device was not touched */
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd2, id, 2, 0, 2, 0);
	close(fd2);
	close(e);
	close(rs);

	/*
	 * dbdev holds the eventfds, not our fds: with only a dup() of each
	 * left, the line and the vector still signal, and resampling works.
	 */
	OPEN_CTX(fd);
	REQUIRE(create_res(fd, rv, ARRAY_SIZE(rv), &id), 0);
	e = efd_new();
	rs = efd_new();
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_MSI, 0, e, -1), 0);
	ed = dup(e);
	rsd = dup(rs);
	REQUIRE(ed >= 0 && rsd >= 0, 1);
	close(e);
	close(rs);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(ed), 1);
	REQUIRE(MSI_SEND(fd, id, 0), 0);
	REQUIRE(MSI_SEND(fd, id, 0), 0);
	CHECK(efd_take(ed), 2);
	REQUIRE(efd_add(rsd, 1), 0);
	CHECK(efd_wait(ed, IRQ_WAIT_MS), 1);
	CHECK(efd_take(ed), 1);
	CHECK(efd_take(rsd), -EAGAIN);
	/* with no fd at all, they are still connected, only unobserved */
	close(ed);
	close(rsd);
	REQUIRE(MSI_SEND(fd, id, 0), 0);
	REQUIRE(LINE_DOWN(fd, id, 0), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK_STATS(fd, id, 5, 0, 1, 0);
	/* and the device releases them last */
	REQUIRE(destroy_dev(fd, id), 0);
	close(fd);
}

/* 17e. struct dbdev_io.device: whose result it is; DBDEV_TEST_FAIL */
static void test_io_device_flag(void)
{
	uint8_t bytes[5] = { 1, 2, 3, 4, 5 }, b8;
	uint32_t id, v, words[3] = { 0x11111111, 0x22222222, 0x33333333 };
	struct dbdev_io io, ios[6];
	struct dbdev_io_batch bt;
	struct test_log log;
	uint64_t v64;
	int fd, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	/* a device's success, and the core's refusals */
	v = 0xa5a5a5a5;
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 1);
	CHECK(io.device, 1);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, TEST_PIO, &b8, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.device, 1);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, 0x20000000, &v, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	CHECK(io.device, 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 1, 0x80, &b8, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.device, 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 8, 1,
		      TEST_MMIO + TEST_MMIO_SIZE - 4, &v64, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);
	CHECK(io.device, 0);
	/* string I/O that runs into no device: the last element decides */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3,
		      TEST_MMIO + TEST_MMIO_SIZE - 8, words, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 2);
	CHECK(io.device, 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 4);
	CHECK(log.head.reads, 1);
	CHECK(log.head.writes, 3);

	/* the device's own -ENODEV is the device's, not "no device" */
	REQUIRE(dev_fail(fd, id, 0, -ENODEV), 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	CHECK(io.device, 1);
	/* one access only */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.device, 1);
	CHECK(v, 0xa5a5a5a5);
	/* and its -ERANGE too */
	REQUIRE(dev_fail(fd, id, 0, -ERANGE), 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 1, TEST_PIO, &b8, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.device, 1);
	/* the failed accesses were neither logged nor counted */
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 1);
	CHECK(log.head.reads, 2);
	CHECK(log.head.writes, 3);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0,
		  0xa5a5a5a5, 4);

	/*
	 * Errnos the kernel keeps to itself, as a syscall returns them: a
	 * wait that a signal interrupted (-ERESTARTSYS), -ENOTSUPP
	 */
	REQUIRE(dev_fail(fd, id, 0, -512), 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, -EINTR);
	CHECK(io.done, 0);
	CHECK(io.device, 1);
	REQUIRE(dev_fail(fd, id, 0, -524), 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 1, TEST_PIO, &b8, &io), 0);
	CHECK(io.result, -EOPNOTSUPP);
	CHECK(io.device, 1);

	/* string I/O: two elements done, the third fails, the rest never run */
	REQUIRE(dev_fail(fd, id, 2, -EIO), 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 5, TEST_PIO, bytes, &io), 0);
	CHECK(io.result, -EIO);
	CHECK(io.done, 2);
	CHECK(io.device, 1);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 2);
	CHECK(log.head.reads, 2);
	CHECK(log.head.writes, 5);
	CHECK_LOG(&log.e[0], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 0, 1, 5);
	CHECK_LOG(&log.e[1], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 0, 2, 6);
	/* the failing write changed nothing: the port holds the second byte */
	CHECK(io_result(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, &b8), 0);
	CHECK(b8, 2);
	/* MMIO: the failing element and those after it are not written */
	REQUIRE(dev_fail(fd, id, 1, -EFAULT), 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3, TEST_MMIO + 0x100,
		      words, &io), 0);
	CHECK(io.result, -EFAULT);
	CHECK(io.done, 1);
	CHECK(io.device, 1);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x100, &v), 0);
	CHECK(v, words[0]);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x104, &v), 0);
	CHECK(v, 0);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x108, &v), 0);
	CHECK(v, 0);
	/*
	 * The largest errno userspace knows is a device's result like any
	 * other; the largest the kernel keeps to itself is -EIO.
	 */
	REQUIRE(dev_fail(fd, id, 0, -EHWPOISON), 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, -EHWPOISON);
	CHECK(io.device, 1);
	REQUIRE(dev_fail(fd, id, 0, -4095), 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, &v, &io), 0);
	CHECK(io.result, -EIO);
	CHECK(io.device, 1);

	/* batches: each access says whose its result is */
	memset(ios, 0, sizeof(ios));
	for (i = 0; i < (int)ARRAY_SIZE(ios); i++)
		ios[i] = (struct dbdev_io){ .bus = DBDEV_IO_MMIO,
			.dir = DBDEV_IO_READ, .size = 4, .count = 1,
			.addr = TEST_MMIO, .data = (uintptr_t)&v,
			.result = 0x7777, .done = 0x7777 };
	ios[2].addr = 0x20000000;			/* no device */
	ios[3].addr = TEST_MMIO + TEST_MMIO_SIZE - 2;	/* past the end */
	ios[5].bus = DBDEV_IO_PIO;			/* no device */
	ios[5].size = 1;
	ios[5].addr = 0x80;
	bt = (struct dbdev_io_batch){ .argsz = sizeof(bt), .nr = ARRAY_SIZE(ios),
				      .ios = (uintptr_t)ios };
	REQUIRE(dev_fail(fd, id, 1, -ETIMEDOUT), 0);
	REQUIRE(xioctl(fd, DBDEV_IO_BATCH, &bt), 0);
	CHECK(ios[0].result, 0);
	CHECK(ios[0].device, 1);
	CHECK(ios[1].result, -ETIMEDOUT);
	CHECK(ios[1].done, 0);
	CHECK(ios[1].device, 1);
	CHECK(ios[2].result, -ENODEV);
	CHECK(ios[2].device, 0);
	CHECK(ios[3].result, -ERANGE);
	CHECK(ios[3].device, 0);
	CHECK(ios[4].result, 0);
	CHECK(ios[4].done, 1);
	CHECK(ios[4].device, 1);
	CHECK(ios[5].result, -ENODEV);
	CHECK(ios[5].device, 0);
	/* @device is an input too, and must be 0: the answer is no request */
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &bt), -EINVAL);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 7);
	CHECK(log.head.reads, 8);
	CHECK(log.head.writes, 6);

	/* error 0 cancels an armed failure */
	REQUIRE(dev_fail(fd, id, 0, -EIO), 0);
	REQUIRE(dev_fail(fd, id, 0, 0), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	REQUIRE(dev_fail(fd, id, 1, -EIO), 0);
	REQUIRE(dev_fail(fd, id, 5, 0), 0);
	for (i = 0; i < 3; i++)
		CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	/* a later one replaces it */
	REQUIRE(dev_fail(fd, id, 0, -EIO), 0);
	REQUIRE(dev_fail(fd, id, 1, -EBUSY), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), -EBUSY);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);

	/* malformed: refused, and the armed failure stays armed */
	REQUIRE(dev_fail(fd, id, 0, -EPERM), 0);
	CHECK(dev_fail(fd, id, 0, 1), -EINVAL);
	CHECK(dev_fail(fd, id, 0, INT32_MAX), -EINVAL);
	CHECK(dev_fail(fd, id, 0, -4096), -EINVAL);
	CHECK(dev_fail(fd, id, 0, INT32_MIN), -EINVAL);
	{
		struct dbdev_test_fail f[2] = { { 0, -EIO }, { 0, 0 } };

		CHECK(dev_cmd(fd, id, DBDEV_TEST_FAIL, f, sizeof(f[0]) - 1), -EINVAL);
		CHECK(dev_cmd(fd, id, DBDEV_TEST_FAIL, f, sizeof(f[0]) + 1), -EINVAL);
		CHECK(dev_cmd(fd, id, DBDEV_TEST_FAIL, f, 0), -EINVAL);
	}
	CHECK(mmio_read32(fd, TEST_MMIO, &v), -EPERM);
	CHECK(mmio_read32(fd, TEST_MMIO, &v), 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 7);
	CHECK(log.head.reads, 15);
	CHECK(log.head.writes, 6);
	close(fd);
}

/*
 * 17f. A refused connection does nothing, even when its resample eventfd
 * is signalled while the call runs (by another thread here, by KVM in a
 * VMM): for as long as it listened, dbdev must not have resampled the
 * line for it, nor signalled its eventfd.  Only an SMP machine, or a
 * preemptible kernel, lets the two meet.
 */
#define REFUSED_ROUNDS	20000
#define REFUSED_MS	2000

struct acker {
	int efd;
	volatile int stop;
	unsigned long long acks;
	int err;
};

static void *ack_loop(void *arg)
{
	struct acker *a = arg;

	while (!a->stop) {
		a->err = efd_add(a->efd, 1);
		if (a->err)
			break;
		a->acks++;
	}
	return NULL;
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_irq_eventfd_refused(void)
{
	struct dbdev_uresource r = RES_IRQ(5);
	struct acker ack = { 0 };
	struct dbdev_device_stats st;
	struct timespec t0;
	pthread_t th;
	int fd, e, rs, e2, n, err = -EBUSY;
	uint32_t id;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, &r, 1, &id), 0);
	e = efd_new();
	rs = efd_new();
	e2 = efd_new();
	ack.efd = efd_new();
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	REQUIRE(LINE_UP(fd, id, 0), 0);
	CHECK(efd_take(e), 1);

	REQUIRE(pthread_create(&th, NULL, ack_loop, &ack), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 0; n < REFUSED_ROUNDS && err == -EBUSY &&
	     ms_since(&t0) < REFUSED_MS; n++)
		err = efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e2, ack.efd);
	ack.stop = 1;
	pthread_join(th, NULL);
	printf("# %d refused connections, %llu acknowledgments meanwhile\n",
	       n, ack.acks);
	CHECK(err, -EBUSY);
	CHECK(ack.err, 0);
	CHECK(ack.acks > 0, 1);

	/* the refused calls waited for whatever they had started */
	CHECK(efd_take(e2), -EAGAIN);
	CHECK(efd_take(e), -EAGAIN);
	CHECK_STATS(fd, id, 1, 0, 0, 0);
	/* and the connection that was there works as before: one more */
	REQUIRE(dev_stats(fd, id, &st), 0);
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK_STATS(fd, id, 1, 0, st.irqs_resampled + 1, 0);
	close(fd);
	close(e);
	close(rs);
	close(e2);
	close(ack.efd);
}

/*
 * 17g. A count the resample eventfd holds when it is connected: dbdev
 * cannot tell the guest's acknowledgment of the signal the connection
 * just sent (a guest running meanwhile) from an older count.  Of a line
 * that was signalled since it was connected, it is taken for the
 * acknowledgment, so that the interrupt is not lost; else it is dropped.
 */
static void test_irq_eventfd_ack_at_connect(void)
{
	struct dbdev_uresource r[] = { RES_IRQ(5), RES_IRQ(7) };
	long long n;
	int fd, e, rs;
	uint32_t id;

	OPEN_CTX(fd);
	REQUIRE(create_res(fd, r, ARRAY_SIZE(r), &id), 0);
	e = efd_new();
	rs = efd_new();

	/* line 0 is high: connected, it is signalled, and resampled */
	REQUIRE(LINE_UP(fd, id, 0), 0);
	REQUIRE(efd_add(rs, 1), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 0, e, rs), 0);
	CHECK(efd_take(rs), -EAGAIN);
	n = efd_take(e);
	if (n == 1 && CHECK(efd_wait(e, IRQ_WAIT_MS), 1))
		n += efd_take(e);
	CHECK(n, 2);
	CHECK_STATS(fd, id, 1, 1, 1, 0);
	/* the connection works as any other: one acknowledgment, one signal */
	REQUIRE(efd_add(rs, 1), 0);
	CHECK(efd_wait(e, IRQ_WAIT_MS), 1);
	CHECK(efd_take(e), 1);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK_STATS(fd, id, 1, 1, 2, 0);
	REQUIRE(efd_disconnect(fd, id, DBDEV_EVENTFD_LINE, 0), 0);

	/* line 1 is low: nothing was signalled, the count is dropped */
	REQUIRE(efd_add(rs, 1), 0);
	REQUIRE(efd_connect(fd, id, DBDEV_EVENTFD_LINE, 1, e, rs), 0);
	CHECK(efd_take(rs), -EAGAIN);
	CHECK(efd_wait(e, IRQ_QUIET_MS), 0);
	CHECK_STATS(fd, id, 1, 1, 2, 0);
	REQUIRE(LINE_UP(fd, id, 1), 0);
	CHECK(efd_take(e), 1);
	CHECK_STATS(fd, id, 2, 1, 2, 0);
	close(fd);
	close(e);
	close(rs);
}

static const struct test tests[] = {
	T(create_explicit),
	T(create_constraints),
	T(create_window),
	T(io_basic),
	T(io_sizes),
	T(io_errors),
	T(io_string),
	T(io_malformed),
	T(io_batch),
	T(conflicts),
	T(transactions),
	T(tx_destroyed_alive),
	T(names),
	T(device_state),
	T(device_state_odd),
	T(sample_state),
	T(types),
	T(pools),
	T(alloc_then_create),
	T(hostile_argsz),
	T(abi_ver0),
	T(abi_version),
	T(abi_readonly),
	T(hostile_create),
	T(hostile_misc),
	T(hostile_pointers),
	T(hostile_ctl_keeps_log),
	T(hostile_batch_data),
	T(hostile_tx_create),
	T(uffd_list_no_stall),
	T(uffd_create_answer),
	T(uffd_io_no_stall),
	T(limit),
	T(ctx_percpu),
	T(isolation),
	T(close_while_injecting),
	T(close_with_tx),
	T(stress_swap),
	T(hostile_slot_count),
	T(irq_eventfd_line),
	T(irq_eventfd_msi_notify),
	T(irq_eventfd_errors),
	T(irq_eventfd_lifetime),
	T(io_device_flag),
	T(irq_eventfd_refused),
	T(irq_eventfd_ack_at_connect),
	T(io_stats),
	T(io_batch_killed),
	T(irq_reset),
};

int main(int argc, char **argv)
{
	return tap_main(argc, argv, tests, ARRAY_SIZE(tests), "dbdev selftests");
}
