# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for ward. Flags are read from `ward VERB --help` at completion
# time, and syscall names (for `ward seccomp explain`) from the hidden `ward
# seccomp syscalls`, so they are always the installed ward's.

_ward_verbs="run seccomp compare cleanup create start state kill stop delete exec list ps pause resume update spec features help version"
_ward_caps="AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM ALL"

_ward() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i verb="" nverb=0
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root | --log | --log-format) ((i++)) ;;
		-*) ;;
		*)
			verb=${COMP_WORDS[i]}
			nverb=$i
			break
			;;
		esac
	done
	if [ -z "$verb" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$_ward_verbs --help --version --root --log --log-format" -- "$cur")
		return
	fi
	case $prev in
	--cap-add | --cap-drop | --cap)
		mapfile -t COMPREPLY < <(compgen -W "$_ward_caps" -- "$cur")
		return
		;;
	--security-opt | --against)
		mapfile -t COMPREPLY < <(compgen -W "seccomp= seccomp=unconfined seccomp=default no-new-privileges apparmor=unconfined label=disable" -- "$cur")
		return
		;;
	--network | --net) mapfile -t COMPREPLY < <(compgen -W "none host" -- "$cur") && return ;;
	--pid | --uts) mapfile -t COMPREPLY < <(compgen -W "host" -- "$cur") && return ;;
	--ipc | --cgroupns) mapfile -t COMPREPLY < <(compgen -W "host private" -- "$cur") && return ;;
	--format) mapfile -t COMPREPLY < <(compgen -W "table json bpf pfc" -- "$cur") && return ;;
	--mount) mapfile -t COMPREPLY < <(compgen -W "type=bind, type=tmpfs," -- "$cur") && return ;;
	-v | --volume | --env-file | --cidfile | --bundle | -b | --pid-file | --process | --config | --root | --log | --bpf)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	esac
	if [ "$verb" = help ]; then
		mapfile -t COMPREPLY < <(compgen -W "$_ward_verbs" -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(${COMP_WORDS[0]} "$verb" --help 2>/dev/null |
			grep -oE -- '(^|[ ,[])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u)" -- "$cur")
		return
	fi
	case $verb in
	seccomp)
		if [ $((COMP_CWORD - nverb)) -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W "check explain export bench dump" -- "$cur")
		elif [ "${COMP_WORDS[nverb + 1]}" = explain ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(${COMP_WORDS[0]} seccomp syscalls 2>/dev/null)" -- "$cur"
				compgen -f -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		;;
	run | compare) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	start | state | kill | stop | delete | exec | ps | pause | resume | update)
		mapfile -t COMPREPLY < <(compgen -W "$(${COMP_WORDS[0]} list -q 2>/dev/null)" -- "$cur")
		;;
	esac
}
complete -F _ward ward
