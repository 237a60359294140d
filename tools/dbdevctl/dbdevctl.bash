# SPDX-License-Identifier: GPL-2.0
# bash completion for dbdevctl: options, commands (also after --), the
# buses of read/expect/write, the device types dbdev ships (the loaded ones
# would need /dev/dbdev, which is root's), and files after -f and -d.

_dbdevctl()
{
	local cur prev words cword i cmd=
	_init_completion || return

	case $prev in
	-f | --file)
		_filedir
		return ;;
	-d | --dev)
		_filedir
		return ;;
	esac
	# the command of the current segment: the first word after the last --
	for ((i = cword - 1; i > 0; i--)); do
		[[ ${words[i]} == -- ]] && break
		[[ ${words[i]} == -* ]] && continue
		cmd=${words[i]}
	done
	case $cmd in
	'')
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-d --dev -f --file -x --trace
				-k --keep-going -h --help' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'create destroy list read expect
				write batch begin commit cancel log ctl types stats
				reset save restore alloc free pools expect-error
				echo help' \
				-- "$cur"))
		fi ;;
	create)
		[[ $prev == create ]] &&
			COMPREPLY=($(compgen -W 'dbdev-test dbdev-test-bare
				dbdev-uart16550 dbdev-regs' -- "$cur")) ||
			COMPREPLY=($(compgen -W '--name --params --alloc --' \
				-- "$cur")) ;;
	read | expect | write)
		[[ $prev == "$cmd" ]] &&
			COMPREPLY=($(compgen -W 'pio mmio' -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W 'create destroy list read expect write
			batch begin commit cancel log ctl types stats reset save
			restore alloc free pools expect-error echo help' \
			-- "$cur")) ;;
	*)
		COMPREPLY=($(compgen -W '--' -- "$cur")) ;;
	esac
}
complete -F _dbdevctl dbdevctl
