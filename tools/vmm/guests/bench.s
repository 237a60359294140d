# SPDX-License-Identifier: GPL-2.0
#
# bench: how fast guest accesses are served, by whom.  Each phase is
# COUNT reads of one kind; the VMM times it between two writes to its mark
# port and serves phases 1, 2, 3, 5, 6 and 7 with its own KVM_RUN loop
# (forwarding dbdev's accesses with DBDEV_IO), phases 4, 8 and 9 with
# DBDEV_KVM_RUN:
#   1  a port the VMM emulates itself (0x510)
#   2  a port of KVM's own in-kernel devices: the 8259's mask (0x21)
#   3  the UART's scratch register, through the VMM and DBDEV_IO
#   4  the UART's scratch register, served by DBDEV_KVM_RUN
#   5  MMIO the VMM emulates itself (0xf0000)
#   6  MMIO of KVM's own devices: the IOAPIC's index register
#   7  the block's SCRATCH register, through the VMM and DBDEV_IO
#   8  the block's SCRATCH register, served by DBDEV_KVM_RUN
#   9  the VMM's port again, returned by DBDEV_KVM_RUN as not dbdev's
# ROUNDS rounds of all phases, interleaved; the VMM keeps the best round
# of each.  Exit status 0.

	.include "lib.inc"

	.set COUNT, 5000
	.set ROUNDS, 3
	.set IOAPIC_IOREGSEL, 0xfec00000

# phase N: start phase N at the mark port, then COUNT times what follows
.macro phase num
	movw $MARK_PORT, %dx
	movb $\num, %al
	outb %al, %dx
	movw $COUNT, %cx
.endm

main:
	call unreal_gs
	movw $hello, %si
	call puts
	movw $MARK_PORT, %dx		# a word: the accesses of a phase
	movw $COUNT, %ax
	outw %ax, %dx
	movw $ROUNDS, %bp
	movw uart_base, %bx
	addw $UART_SCR, %bx

round:
	phase 1
	movw $VMM_PORT, %dx
1:	inb %dx, %al
	loop 1b

	phase 2
1:	inb $0x21, %al
	loop 1b

	phase 3
	movw %bx, %dx
1:	inb %dx, %al
	loop 1b

	phase 4
	movw %bx, %dx
1:	inb %dx, %al
	loop 1b

	phase 5
	movl $0xf0000, %esi
1:	movl %gs:(%esi), %eax
	loop 1b

	phase 6
	movl $IOAPIC_IOREGSEL, %esi
1:	movl %gs:(%esi), %eax
	loop 1b

	phase 7
1:	movl %fs:REGS_SCRATCH, %eax
	loop 1b

	phase 8
1:	movl %fs:REGS_SCRATCH, %eax
	loop 1b

	phase 9
	movw $VMM_PORT, %dx
1:	inb %dx, %al
	loop 1b

	decw %bp
	jnz round

	movw $MARK_PORT, %dx		# the end of the bench
	movb $0xff, %al
	outb %al, %dx
	movw $done, %si
	call puts
	movb $0, %al
	jmp exit

hello:
	.asciz "bench: timing guest accesses, 9 kinds, in rounds\n"
done:
	.asciz "bench: done\n"
