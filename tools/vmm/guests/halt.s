# SPDX-License-Identifier: GPL-2.0
#
# halt: says so on the UART and stops with HLT, which ends the run with
# status 0.

	.include "lib.inc"

main:
	movw $text, %si
	call puts
	hlt

text:
	.asciz "halt: stopping with HLT\n"
