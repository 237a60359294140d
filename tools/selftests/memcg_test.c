// SPDX-License-Identifier: GPL-2.0
/*
 * memcg_test: what /dev/dbdev costs is charged to the caller's memory
 * cgroup, as include/uapi/linux/dbdev.h says.
 *
 * A child in a cgroup (v2) with a memory.max of 16 MiB, which the OOM
 * killer may not pick (oom_score_adj -1000, so that a charge over the
 * limit fails the call instead), makes contexts, each with a device that
 * has a store and a log, and runs a batch on each, until a call fails: it
 * must fail with -ENOMEM, with the cgroup's memory at its limit.  When
 * the child is gone, the charge goes back, and dbdev still works for
 * others.
 *
 * TAP; run as root with dbdev loaded and the memory controller available
 * (mounts cgroup2 at /sys/fs/cgroup if nothing is there):
 *
 *     tools/vm/run.sh -- tools/selftests/memcg_test
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <linux/dbdev_samples.h>

#include "harness.h"

#define CGROOT		"/sys/fs/cgroup"
#define CG		CGROOT "/dbdev-memcg-test"
#define LIMIT		(16UL << 20)
#define MAX_CTX		100000

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (!ok)
		printf("# %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static long long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* A cgroup with the memory controller and a limit of LIMIT, or false. */
static bool make_cgroup(void)
{
	char limit[32];

	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    !CHECK(mount("none", CGROOT, "cgroup2", 0, NULL), 0))
		return false;
	rmdir(CG);
	snprintf(limit, sizeof(limit), "%lu", LIMIT);
	return write_file(CGROOT "/cgroup.subtree_control", "+memory") &&
	       CHECK(mkdir(CG, 0755), 0) &&
	       write_file(CG "/memory.max", limit) &&
	       (access(CG "/memory.swap.max", F_OK) ||
		write_file(CG "/memory.swap.max", "0"));
}

/* A context with a dbdev-test device of a 4 KiB store and 64 log entries */
static int hog_one(int *fd)
{
	struct dbdev_uresource r = RES_MMIO(0x10000000, 0x1000);
	struct dbdev_test_params p = {
		.argsz = sizeof(p), .store_bytes = 4096, .log_entries = 64,
	};
	static uint8_t data[DBDEV_IO_MAX_BYTES];
	struct dbdev_io ios[4];
	struct dbdev_io_batch b = {
		.argsz = sizeof(b), .nr = 4, .ios = (uintptr_t)ios,
	};
	struct dbdev_create_device c;
	int i;

	*fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	create_init(&c, 0, &r, 1, NULL, 0);
	c.params = (uintptr_t)&p;
	c.params_len = sizeof(p);
	if (ioctl(*fd, DBDEV_CREATE_DEVICE, &c))
		return -errno;
	for (i = 0; i < 4; i++)
		ios[i] = (struct dbdev_io){
			.bus = DBDEV_IO_MMIO, .dir = i & 1, .size = 8,
			.count = 512, .addr = 0x10000000, .data = (uintptr_t)data,
		};
	return ioctl(*fd, DBDEV_IO_BATCH, &b) ? -errno : 0;
}

/*
 * The child: join the cgroup, make contexts until a call fails, put how
 * many and the errno in @result, and stop (SIGSTOP) for the parent to
 * look at the cgroup.  Its own memory is all in place, and charged
 * elsewhere, before it joins: a page fault over the limit would wait for
 * memory instead of failing.
 */
static void hog(long long *result)
{
	struct rlimit rl = { MAX_CTX + 64, MAX_CTX + 64 };
	char pid[16];
	int fd, err = 0;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (setrlimit(RLIMIT_NOFILE, &rl) || mlockall(MCL_CURRENT) ||
	    !write_file("/proc/self/oom_score_adj", "-1000") ||
	    !write_file(CG "/cgroup.procs", pid))
		_exit(2);
	while (result[0] < MAX_CTX && !(err = hog_one(&fd)))
		result[0]++;
	result[1] = err;
	kill(getpid(), SIGSTOP);
	_exit(0);
}

static void test_memcg_limit(void)
{
	long long *result, charged, now = -1;
	int status, fd, i;
	uint32_t id;
	pid_t pid;

	if (!make_cgroup())
		return;
	result = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(result != MAP_FAILED, 1);
	memset(result, 0, 4096);
	pid = fork();
	REQUIRE(pid >= 0, 1);
	if (!pid)
		hog(result);
	REQUIRE(waitpid(pid, &status, WUNTRACED), pid);
	CHECK(WIFSTOPPED(status), 1);
	charged = read_number(CG "/memory.current");
	/* its death closes every context */
	kill(pid, SIGKILL);
	REQUIRE(waitpid(pid, &status, 0), pid);
	printf("# %lld contexts with a device, then %s; %lld bytes charged\n",
	       result[0], err_name(result[1]), charged);
	/* each costs a few KiB: hundreds fit, and the limit stopped them */
	CHECK(result[0] >= 100, 1);
	CHECK(result[0] < MAX_CTX, 1);
	CHECK(result[1], -ENOMEM);
	CHECK(charged > (long long)LIMIT * 3 / 4, 1);

	/* the charge goes back (some of it after a grace period) */
	for (i = 0; i < 100; i++) {
		now = read_number(CG "/memory.current");
		if (now >= 0 && now < (1 << 20))
			break;
		usleep(50000);
	}
	printf("# %lld bytes charged once the child is gone\n", now);
	CHECK(now >= 0 && now < (1 << 20), 1);
	CHECK(rmdir(CG), 0);

	/* and dbdev works for everyone else */
	OPEN_CTX(fd);
	CHECK(create_res(fd, &RES_PIO(0x3f8, 8), 1, &id), 0);
	close(fd);
}

static const struct test tests[] = {
	T(memcg_limit),
};

int main(int argc, char **argv)
{
	return tap_main(argc, argv, tests, ARRAY_SIZE(tests),
			"dbdev and memory cgroups");
}
