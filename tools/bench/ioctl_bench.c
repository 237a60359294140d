// SPDX-License-Identifier: GPL-2.0
/*
 * What an access injected from userspace costs, next to a null ioctl on
 * the same fd: DBDEV_GET_API_VERSION (the dispatcher and nothing else),
 * one DBDEV_IO, and one access of a DBDEV_IO_BATCH of DBDEV_BATCH_MAX.
 * Each access reads the ID register of a dbdev-regs block, whose callback
 * does almost nothing: what is timed is the way there and back.
 *
 * Usage: ioctl_bench [-n CALLS] [-r ROUNDS]   (as root, dbdev_regs loaded)
 * Rounds are interleaved and the best of each row kept.  Prints one line
 * per row, "bench: " first: name, ns per call (or per access) and the
 * ratio to the null ioctl and to one DBDEV_IO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/dbdev.h>
#include <linux/dbdev_samples.h>

#define REGS_BASE	0xd0000000ULL

enum { ROW_NULL, ROW_IO, ROW_BATCH, NR_ROWS };

static const char *const row_name[NR_ROWS] = {
	[ROW_NULL] = "null ioctl (DBDEV_GET_API_VERSION)",
	[ROW_IO] = "DBDEV_IO, one 4-byte MMIO read",
	[ROW_BATCH] = "an access in a DBDEV_IO_BATCH of 256",
};

static int fd;
static __u32 id_reg[DBDEV_BATCH_MAX];
static struct dbdev_io ios[DBDEV_BATCH_MAX];

static void die(const char *what)
{
	fprintf(stderr, "ioctl_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct dbdev_io regs_read(__u32 *into)
{
	return (struct dbdev_io){
		.bus = DBDEV_IO_MMIO,
		.dir = DBDEV_IO_READ,
		.size = 4,
		.count = 1,
		.addr = REGS_BASE + DBDEV_REGS_ID,
		.data = (__u64)(unsigned long)into,
	};
}

static void setup(void)
{
	struct dbdev_uresource res = {
		.type = DBDEV_UR_MMIO,
		.base = REGS_BASE,
		.size = DBDEV_REGS_SIZE,
	};
	struct dbdev_create_device cd = {
		.argsz = sizeof(cd),
		.type = DBDEV_REGS_TYPE,
		.nr_items = 1,
		.items = (__u64)(unsigned long)&res,
	};
	int i;

	fd = open(getenv("DBDEV_PATH") ?: "/dev/dbdev", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open");
	if (ioctl(fd, DBDEV_CREATE_DEVICE, &cd))
		die("DBDEV_CREATE_DEVICE dbdev-regs");
	for (i = 0; i < DBDEV_BATCH_MAX; i++)
		ios[i] = regs_read(&id_reg[i]);
}

/* @calls calls of row @row; ns per call, or per access for a batch */
static double run(int row, long calls)
{
	struct dbdev_io_one one = { .argsz = sizeof(one) };
	struct dbdev_io_batch batch = {
		.argsz = sizeof(batch),
		.nr = DBDEV_BATCH_MAX,
		.ios = (__u64)(unsigned long)ios,
	};
	__u32 val = 0;
	double start;
	long i;
	int j;

	one.io = regs_read(&val);
	if (row == ROW_BATCH)
		calls = calls / DBDEV_BATCH_MAX + 1;
	start = now_ns();
	for (i = 0; i < calls; i++) {
		switch (row) {
		case ROW_NULL:
			if (ioctl(fd, DBDEV_GET_API_VERSION, 0) != DBDEV_API_VERSION)
				die("DBDEV_GET_API_VERSION");
			break;
		case ROW_IO:
			one.io.device = 0;	/* in: 0, out: 1 */
			if (ioctl(fd, DBDEV_IO, &one) || one.io.result ||
			    val != DBDEV_REGS_MAGIC)
				die("DBDEV_IO");
			break;
		case ROW_BATCH:
			for (j = 0; j < DBDEV_BATCH_MAX; j++)
				ios[j].device = 0;
			if (ioctl(fd, DBDEV_IO_BATCH, &batch) || ios[0].result ||
			    ios[DBDEV_BATCH_MAX - 1].result ||
			    id_reg[DBDEV_BATCH_MAX - 1] != DBDEV_REGS_MAGIC)
				die("DBDEV_IO_BATCH");
			break;
		}
	}
	return (now_ns() - start) /
	       (row == ROW_BATCH ? calls * DBDEV_BATCH_MAX : calls);
}

int main(int argc, char **argv)
{
	double best[NR_ROWS];
	long calls = 200000;
	int rounds = 5, opt, r, row;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		switch (opt) {
		case 'n':
			calls = strtol(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-r ROUNDS]\n", argv[0]);
			return 2;
		}
	}
	if (calls < 1 || rounds < 1) {
		fprintf(stderr, "ioctl_bench: -n and -r must be positive\n");
		return 2;
	}
	setup();
	for (row = 0; row < NR_ROWS; row++)
		best[row] = run(row, calls / 10);	/* warm up */
	for (r = 0; r < rounds; r++) {
		for (row = 0; row < NR_ROWS; row++) {
			double ns = run(row, calls);

			if (!r || ns < best[row])
				best[row] = ns;
		}
	}
	printf("bench: %-40s %10s %8s %8s\n", "call", "ns", "/null", "/IO");
	for (row = 0; row < NR_ROWS; row++)
		printf("bench: %-40s %10.1f %8.2f %8.2f\n", row_name[row], best[row],
		       best[row] / best[ROW_NULL], best[row] / best[ROW_IO]);
	return 0;
}
