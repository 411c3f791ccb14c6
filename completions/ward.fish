# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for ward: verbs, each verb's flags (from `ward VERB --help`),
# capability names, seccomp tools, syscall names for `seccomp explain` (from the
# hidden `ward seccomp syscalls`), container ids.

set -l ward_verbs run seccomp compare cleanup create start state kill stop delete exec list ps pause resume update spec features help version
set -l ward_caps AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM ALL

function __ward_verb_flags
	set -l verb (commandline -opc)[2]
	ward $verb --help 2>/dev/null | string match -ar -- '--[a-z][a-z-]*' | sort -u
end

function __ward_needs_flag_value -a flag
	set -l prev (commandline -opc)[-1]
	test "$prev" = "$flag"
end

complete -c ward -f
complete -c ward -n "not __fish_seen_subcommand_from $ward_verbs" -a "$ward_verbs"
complete -c ward -n "__fish_seen_subcommand_from $ward_verbs; and string match -q -- '-*' (commandline -ct)" -a "(__ward_verb_flags)"
complete -c ward -n "__ward_needs_flag_value --cap-add; or __ward_needs_flag_value --cap-drop" -a "$ward_caps"
complete -c ward -n "__ward_needs_flag_value --security-opt" -a "seccomp=unconfined seccomp=default no-new-privileges apparmor=unconfined label=disable"
complete -c ward -n "__ward_needs_flag_value --network" -a "none host"
complete -c ward -n "__fish_seen_subcommand_from help" -a "$ward_verbs"
complete -c ward -n "__fish_seen_subcommand_from seccomp; and not __fish_seen_subcommand_from check explain export bench dump" -a "check explain export bench dump"
complete -c ward -n "__fish_seen_subcommand_from seccomp; and __fish_seen_subcommand_from explain" -a "(ward seccomp syscalls 2>/dev/null)" -d syscall
complete -c ward -n "__fish_seen_subcommand_from seccomp; and __fish_seen_subcommand_from explain" -a "(__fish_complete_path (commandline -ct))"
complete -c ward -n "__fish_seen_subcommand_from run compare" -a "(__fish_complete_directories)"
complete -c ward -n "__fish_seen_subcommand_from start state kill stop delete exec ps pause resume update" -a "(ward list -q 2>/dev/null)"
