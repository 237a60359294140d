# SPDX-License-Identifier: GPL-2.0
#
# nodev: touches addresses no device owns — COM2's port 0x2f8 (read,
# write and a `rep insb`), a word at 0x3ff that runs past the end of the
# UART's range, and MMIO at 0xe0000 inside the dbdev window — and checks
# that every read returns all ones.  The VMM reports each access and keeps
# going.  Exit status 0 if all reads were all ones, else the number of
# the first one that was not.

	.include "lib.inc"

	.set COM2, 0x2f8
	.set NOWHERE_SEG, 0xe000	# 0xe0000: in the window, no device

main:
	movw $hello, %si
	call puts

	movb $1, current
	movw $COM2, %dx
	inb %dx, %al
	cmpb $0xff, %al
	jne fail

	movb $0x41, %al
	outb %al, %dx

	movb $2, current
	movw $buf, %di
	movw $4, %cx
	rep insb
	cmpl $0xffffffff, buf
	jne fail

	movb $3, current
	movw $0x3ff, %dx
	inw %dx, %ax
	cmpw $0xffff, %ax
	jne fail

	movb $4, current
	movw $NOWHERE_SEG, %ax
	movw %ax, %gs
	movl %gs:0, %eax
	cmpl $0xffffffff, %eax
	jne fail
	movl $0x12345678, %gs:0

	movw $done, %si
	call puts
	movb $0, %al
	jmp exit

buf:
	.long 0
hello:
	.asciz "nodev: touching addresses no device owns\n"
done:
	.asciz "nodev: every read returned all ones\n"
