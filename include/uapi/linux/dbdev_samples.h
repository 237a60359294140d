/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The device types of dbdev's sample drivers (samples/): what userspace
 * passes to DBDEV_CREATE_DEVICE and DBDEV_DEVICE_CTL for them.
 */
#ifndef _UAPI_LINUX_DBDEV_SAMPLES_H
#define _UAPI_LINUX_DBDEV_SAMPLES_H

/*
 * "dbdev-uart16550" (module dbdev_uart): a 16550A UART on 8 ports of port
 * I/O, with its interrupt output on its first legacy IRQ (if it has one).
 * No parameters.  What the guest writes to THR goes at once into a buffer
 * for the VMM (up to DBDEV_UART_TX_MAX bytes); while that is full, THR
 * stays busy (LSR.THRE clear) until the VMM drains it.  The device's
 * notification (DBDEV_EVENTFD_NOTIFY) is signalled when the buffer stops
 * being empty.  What the VMM supplies waits in a receive FIFO (up to
 * DBDEV_UART_RX_MAX bytes) and appears in RBR with LSR data-ready and, if
 * enabled, a received-data interrupt.  Reset, save and restore cover the
 * registers and both FIFOs.
 */
#define DBDEV_UART_TYPE		"dbdev-uart16550"
#define DBDEV_UART_TX_MAX	4096
#define DBDEV_UART_RX_MAX	4096

/* DBDEV_DEVICE_CTL op; out: the transmitted bytes, which leave the UART */
#define DBDEV_UART_READ_TX	1
/*
 * DBDEV_DEVICE_CTL op; in: bytes for the guest to receive, out: nothing.
 * -ENOSPC if they do not all fit, and then none is taken.
 */
#define DBDEV_UART_WRITE_RX	2

/*
 * "dbdev-regs" (module dbdev_regs): a register block on MMIO, usually one
 * range of DBDEV_REGS_SIZE bytes.  No parameters.  Registers are 32 bits
 * wide and must be accessed as such, naturally aligned: any other access
 * reads as all ones and its writes are ignored, as on a bus that does not
 * decode it.  Offsets without a register read as zero and ignore writes.
 */
#define DBDEV_REGS_TYPE		"dbdev-regs"
#define DBDEV_REGS_SIZE		0x1000

/*
 * The registers: ID and VERSION are read-only; SCRATCH keeps what was
 * written; each read of COUNTER returns its value and then adds one, and a
 * write sets it; writing N to DOORBELL sends the device's MSI vector N
 * (counting through its MSI resources; a vector it does not have is
 * ignored), and DOORBELL reads as the number of vectors sent.  Reset, save
 * and restore cover SCRATCH, COUNTER and that number.
 */
#define DBDEV_REGS_ID		0x00	/* DBDEV_REGS_MAGIC */
#define DBDEV_REGS_VERSION	0x04	/* DBDEV_REGS_VERSION_1 */
#define DBDEV_REGS_SCRATCH	0x08
#define DBDEV_REGS_COUNTER	0x0c
#define DBDEV_REGS_DOORBELL	0x10

#define DBDEV_REGS_MAGIC	0x47524244	/* "DBRG", little-endian */
#define DBDEV_REGS_VERSION_1	0x00010000

#endif /* _UAPI_LINUX_DBDEV_SAMPLES_H */
